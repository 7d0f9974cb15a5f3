"""Encrypted mode (安全模式): Tencent's published test vector decrypts; a resident's encrypted
message gets an encrypted, signed passive reply; a forged msg_signature is refused."""

from __future__ import annotations

import pytest

from bot.channels.wechat.crypto import MessageCrypt
from bot.channels.wechat.messages import parse_fields
from bot.channels.wechat.security import Rejected
from storage.models import InboxUpdate
from tests.wechat.conftest import ACCOUNT, AES_KEY, RESIDENT, TOKEN, start_wechat, wechat_settings
from tests.wechat.fake_wechat import APP_ID

# Tencent's public example (WXBizMsgCrypt documentation): a text message "hello"
VECTOR = dict(
    token="QDG6eK", key="jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C", receiver="wx5823bf96d3bd56c7",
    timestamp="1409659813", nonce="1372623149", msg_signature="477715d11cdb4164915debcba66cb864d751f3e6",
    encrypted="RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3Qcz"
              "cdCUpj911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLj"
              "vd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMn"
              "vw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k2"
              "2Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2Yoyy"
              "H2uyPIGHBZZIs2pDBS8R07+qN+E7Q==",
)


def test_tencents_test_vector_decrypts():
    v = VECTOR
    crypt = MessageCrypt(v["token"], v["key"], v["receiver"])
    xml = crypt.decrypt(v["encrypted"], msg_signature=v["msg_signature"],
                        timestamp=v["timestamp"], nonce=v["nonce"])
    fields = parse_fields(xml)
    assert fields["Content"] == "hello" and fields["MsgId"] == "4561255354251345929"
    with pytest.raises(Rejected):  # a forged signature
        crypt.decrypt(v["encrypted"], msg_signature="0" * 40, timestamp=v["timestamp"],
                      nonce=v["nonce"])
    with pytest.raises(Rejected):  # meant for another account
        MessageCrypt(v["token"], v["key"], "wx-someone-else").decrypt(
            v["encrypted"], msg_signature=v["msg_signature"], timestamp=v["timestamp"],
            nonce=v["nonce"])


def test_a_bad_encoding_aes_key_is_a_clear_error():
    with pytest.raises(ValueError, match="EncodingAESKey"):
        MessageCrypt(TOKEN, "too-short", APP_ID)


async def test_encrypted_question_gets_an_encrypted_card(api, tmp_path, sqlite_url, clock):
    settings = wechat_settings(api, tmp_path, sqlite_url, wechat_encoding_aes_key=AES_KEY)
    crypt = MessageCrypt(TOKEN, AES_KEY, APP_ID)
    async with start_wechat(settings, clock, crypt=crypt) as wx:
        card = await wx.say(RESIDENT, "低保怎么申请")  # the peer checks and decrypts the reply
        assert "最低生活保障" in card and "【1】" in card
        assert "材料清单" in await wx.say(RESIDENT, "1")

        # a forged msg_signature over a genuine ciphertext changes nothing
        before = await wx.count(InboxUpdate)
        body = wx.peer.xml(wx.peer.message(RESIDENT, "text", Content="低保"))
        query = wx.peer.query(encrypt_type="aes")
        encrypted, _ = crypt.encrypt(body.encode(), nonce=query["nonce"],
                                     timestamp=query["timestamp"])
        query["msg_signature"] = "0" * 40
        status, _ = await wx.peer.post(wx.peer.xml({"ToUserName": ACCOUNT, "Encrypt": encrypted}),
                                       query)
        assert status == 403
        assert await wx.count(InboxUpdate) == before
