"""WeChat's encrypted mode (安全模式): AES-256-CBC with the key from `EncodingAESKey`.

The key is the 43-character EncodingAESKey plus "=", base64-decoded (32 bytes); the IV is
its first 16 bytes. The plaintext is 16 random bytes, the message length (4 bytes, network
order), the message XML and the app id, padded PKCS#7-style to a multiple of 32 bytes.
`msg_signature` is the usual signature with the ciphertext as a fourth string.
"""

from __future__ import annotations

import base64
import binascii
import os

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from bot.channels.wechat.security import Rejected, signature, signature_matches

BLOCK = 32


def aes_key(encoding_aes_key: str) -> bytes:
    try:
        key = base64.b64decode(encoding_aes_key + "=", validate=True)
    except (binascii.Error, ValueError):
        key = b""
    if len(encoding_aes_key) != 43 or len(key) != 32:
        raise ValueError("wechat_encoding_aes_key must be the 43 characters of EncodingAESKey")
    return key


class MessageCrypt:
    """Decrypts incoming and encrypts outgoing messages of one Official Account."""

    def __init__(self, token: str, encoding_aes_key: str, app_id: str) -> None:
        self.token = token
        self.key = aes_key(encoding_aes_key)
        self.app_id = app_id.encode("utf-8")

    def _cipher(self) -> Cipher[modes.CBC]:
        return Cipher(algorithms.AES(self.key), modes.CBC(self.key[:16]))

    def decrypt(self, encrypted: str, *, msg_signature: str, timestamp: str, nonce: str) -> bytes:
        """The message XML inside `encrypted`, once its signature and app id check out."""
        if not signature_matches(msg_signature, self.token, timestamp, nonce, encrypted):
            raise Rejected(403, "bad msg_signature")
        try:
            raw = base64.b64decode(encrypted, validate=True)
        except (binascii.Error, ValueError):
            raise Rejected(400, "ciphertext is not base64") from None
        if not raw or len(raw) % 16:
            raise Rejected(400, "ciphertext has a bad length")
        decryptor = self._cipher().decryptor()
        plain = decryptor.update(raw) + decryptor.finalize()
        pad = plain[-1]
        if not 1 <= pad <= BLOCK or plain[-pad:] != bytes([pad]) * pad:
            raise Rejected(400, "bad padding")
        content = plain[16:-pad]
        size = int.from_bytes(content[:4], "big")
        xml, app_id = content[4:4 + size], content[4 + size:]
        if len(xml) != size or app_id != self.app_id:
            raise Rejected(403, "message is for another app id")
        return xml

    def encrypt(self, xml: bytes, *, nonce: str, timestamp: str) -> tuple[str, str]:
        """(ciphertext, msg_signature) of an outgoing message XML."""
        body = os.urandom(16) + len(xml).to_bytes(4, "big") + xml + self.app_id
        pad = BLOCK - len(body) % BLOCK
        body += bytes([pad]) * pad
        encryptor = self._cipher().encryptor()
        encrypted = base64.b64encode(encryptor.update(body) + encryptor.finalize()).decode()
        return encrypted, signature(self.token, timestamp, nonce, encrypted)
