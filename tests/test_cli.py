import json

from service.cli import main


def test_ask_json_and_index_report(seed_corpus, tmp_path, capsys):
    index_path = tmp_path / "i.npz"
    assert (
        main(
            [
                "index",
                "--corpus",
                str(seed_corpus),
                "--index-path",
                str(index_path),
                "--report",
                str(tmp_path / "r.json"),
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "documents read: 2" in out and "passages:" in out
    assert json.loads((tmp_path / "r.json").read_text())["audience_counts"] == {"patient": 1, "clinician": 1}
    assert (
        main(
            [
                "ask",
                "--corpus",
                str(seed_corpus),
                "--index-path",
                str(index_path),
                "--json",
                "What is Reblozyl used for?",
            ]
        )
        == 0
    )
    body = json.loads(capsys.readouterr().out)
    assert body["citations"][0]["title"] == "Luspatercept-aamt"


def test_missing_library_folder_is_a_clear_error(tmp_path, capsys):
    assert main(["index", "--corpus", str(tmp_path / "nope")]) == 2
    assert "library folder not found" in capsys.readouterr().err
