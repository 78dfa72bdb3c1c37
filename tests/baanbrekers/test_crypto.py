from cryptography.fernet import Fernet

from baanbrekers import crypto


def test_encrypted_value_is_unreadable_and_round_trips():
    token = crypto.encrypt("111222333")
    assert "111222333" not in token
    assert crypto.decrypt(token) == "111222333"
    # Fernet tokens carry a random IV: equal values do not give equal ciphertexts.
    assert crypto.encrypt("111222333") != token


def test_keys_can_be_rotated(settings):
    old_key = settings.FIELD_ENCRYPTION_KEYS[0]
    token = crypto.encrypt("123456782")
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode(), old_key]
    assert crypto.decrypt(token) == "123456782"


def test_keyed_hash_is_stable_and_depends_on_the_key(settings):
    first = crypto.keyed_hash("111222333")
    assert first == crypto.keyed_hash("111222333")
    assert first != crypto.keyed_hash("123456782")
    settings.BLIND_INDEX_KEY = "another-key-entirely-another-key-entirely"
    assert crypto.keyed_hash("111222333") != first
