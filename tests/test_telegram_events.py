"""Telegram updates → core events (pure conversion, no network)."""

from __future__ import annotations

from typing import Any

from telegram import Update

from bot.channels.telegram.events import event_from_update

USER = {"id": 1001, "is_bot": False, "first_name": "大妈", "last_name": "王", "language_code": "en"}
PRIVATE = {"id": 1001, "type": "private", "first_name": "大妈"}


def update(**payload: Any) -> Update:
    return Update.de_json({"update_id": 1, **payload}, None)


def message(**content: Any) -> dict[str, Any]:
    return {"message_id": 7, "date": 0, "chat": PRIVATE, "from": USER, **content}


def test_text_and_user_fields():
    ev = event_from_update(update(message=message(text="低保怎么申请")))
    assert (ev.kind, ev.text, ev.user_id, ev.channel) == ("text", "低保怎么申请", "1001", "telegram")
    assert ev.display_name == "大妈 王" and ev.language_code == "en" and not ev.edited


def test_commands_lose_the_bot_name_and_case_and_keep_their_arguments():
    ev = event_from_update(update(message=message(text="/Reply@servicebot_test_bot 12 明天来修\n第二行")))
    assert (ev.kind, ev.command, ev.args) == ("command", "reply", "12 明天来修\n第二行")
    assert event_from_update(update(message=message(text="/"))).kind == "text"
    assert event_from_update(update(message=message(text="/ 你好"))).kind == "text"


def test_button_press_is_a_choice_with_its_data():
    query = {"id": "q1", "from": USER, "chat_instance": "c", "data": "chk:t:dibao:3",
             "message": {"message_id": 9, "date": 0, "chat": PRIVATE, "text": "…"}}
    ev = event_from_update(update(callback_query=query))
    assert (ev.kind, ev.choice, ev.user_id) == ("choice", "chk:t:dibao:3", "1001")
    del query["data"]  # a game button: no data at all
    assert event_from_update(update(callback_query=query)).choice == ""


def test_only_the_senders_own_contact_carries_a_phone():
    own = event_from_update(update(message=message(contact={
        "phone_number": "8613812345678", "first_name": "王", "user_id": 1001})))
    assert own.kind == "contact" and own.phone == "8613812345678"
    other = event_from_update(update(message=message(contact={
        "phone_number": "8613900000000", "first_name": "李", "user_id": 42})))
    assert other.kind == "contact" and other.phone is None and other.contact_user_id == "42"
    nobody = event_from_update(update(message=message(contact={
        "phone_number": "8613900000000", "first_name": "李"})))
    assert nobody.phone is None and nobody.contact_user_id is None


def test_photo_takes_the_largest_size_and_the_caption():
    sizes = [{"file_id": f"f{w}", "file_unique_id": f"u{w}", "width": w, "height": w}
             for w in (1280, 90, 320)]
    ev = event_from_update(update(message=message(photo=sizes, caption="这个证明行吗")))
    assert (ev.kind, ev.photo_id, ev.text) == ("photo", "f1280", "这个证明行吗")


def test_stickers_voice_and_locations_are_unsupported_and_service_messages_ignored():
    sticker = {"file_id": "s", "file_unique_id": "s", "type": "regular", "width": 1,
               "height": 1, "is_animated": False, "is_video": False}
    assert event_from_update(update(message=message(sticker=sticker))).kind == "unsupported"
    voice = {"file_id": "v", "file_unique_id": "v", "duration": 2}
    assert event_from_update(update(message=message(voice=voice))).kind == "unsupported"
    location = {"latitude": 30.0, "longitude": 120.0}
    assert event_from_update(update(message=message(location=location))).kind == "unsupported"
    assert event_from_update(update(message=message(delete_chat_photo=True))) is None


def test_edits_are_flagged_and_groups_and_bots_are_not_events():
    ev = event_from_update(update(edited_message=message(text="改了", edit_date=1)))
    assert ev.kind == "text" and ev.edited
    group = {"id": -100, "type": "group", "title": "村民群"}
    assert event_from_update(update(message=message(text="/start", chat=group))) is None
    bot = {**USER, "is_bot": True}
    assert event_from_update(update(message=message(text="hi", **{"from": bot}))) is None
