from service.store.memory import MemoryConversationStore


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_conversation_state_expires_after_idle_time():
    clock = Clock()
    store = MemoryConversationStore(clock=clock)
    store.put("abc12345", {"topic": "cll"}, ttl_seconds=60)
    clock.now = 59
    assert store.get("abc12345") == {"topic": "cll"}
    store.put("abc12345", {"topic": "cll"}, ttl_seconds=60)  # activity restarts the idle timer
    clock.now = 118
    assert store.get("abc12345") is not None
    clock.now = 200
    assert store.get("abc12345") is None


def test_delete_and_bounded_size():
    store = MemoryConversationStore(max_conversations=2)
    for cid in ("a" * 8, "b" * 8, "c" * 8):
        store.put(cid, {"n": cid}, 60)
    assert store.get("a" * 8) is None and store.get("c" * 8) == {"n": "c" * 8}
    store.delete("c" * 8)
    assert store.get("c" * 8) is None


def test_returned_state_is_a_copy():
    store = MemoryConversationStore()
    store.put("abcdefgh", {"history": []}, 60)
    store.get("abcdefgh")["history"].append("x")
    assert store.get("abcdefgh") == {"history": []}
