from service.corpus.ingest import document_passages, make_document
from service.corpus.split import group_blocks, markdown_blocks, plain_text_to_markdown, sections

DOC = """# Page - NCI

# Page (PDQ®)–Patient Version

## Treatment Option Overview

### Chemotherapy

Chemotherapy is a cancer treatment that uses drugs to stop
the growth of cancer cells.

The prognosis depends on:

- The stage of the cancer,
which is long.
- The patient's age.

## Stages

| Stage | Meaning |
| --- | --- |
| I | small |
"""


def test_blocks_join_wrapped_lines_and_keep_list_items_whole():
    blocks = markdown_blocks(DOC)
    kinds = [(b.kind, b.text) for b in blocks]
    assert ("para", "Chemotherapy is a cancer treatment that uses drugs to stop the growth of cancer cells.") in kinds
    assert ("item", "The stage of the cancer, which is long.") in kinds
    assert ("row", "Stage | Meaning") in kinds
    assert not any(b.text.startswith("---") for b in blocks)


def test_sections_carry_heading_path_without_the_page_title():
    paths = [s.path for s in sections(markdown_blocks(DOC))]
    assert paths == [("Treatment Option Overview", "Chemotherapy"), ("Stages",)]


def test_passages_keep_section_path_and_lists():
    doc = make_document(
        "x.md",
        {"title": "Page - NCI", "url": "https://www.cancer.gov/x", "audienceLevel": "patient", "source": "NCI"},
        DOC,
    )
    passages = document_passages(doc)
    assert passages[0].section == "Treatment Option Overview > Chemotherapy"
    assert "- The patient's age." in passages[0].text.split("\n")
    assert doc.title == "Page"


def test_long_paragraph_is_split_between_sentences_only():
    sentence = "This sentence has exactly eight words in it. "
    from service.corpus.split import Block

    groups = group_blocks([Block("para", (sentence * 40).strip())], max_words=50, min_words=20)
    assert len(groups) > 1
    for group in groups:
        for block in group:
            assert block.text.endswith("in it.")
            assert len(block.text.split()) <= 50


def test_list_lead_in_stays_with_its_items():
    from service.corpus.split import Block

    blocks = [Block("para", "word " * 45 + "depends on:")] + [Block("item", "item text here") for _ in range(3)]
    groups = group_blocks(blocks, max_words=40, min_words=10)
    assert groups[0][-1].kind == "item"


def test_passage_ids_are_stable_across_rebuilds_and_change_with_text():
    meta = {"title": "T", "url": "https://www.cancer.gov/t", "audienceLevel": "patient"}
    a = [p.id for p in document_passages(make_document("t.md", meta, DOC))]
    b = [p.id for p in document_passages(make_document("t.md", meta, DOC))]
    c = [p.id for p in document_passages(make_document("t.md", meta, DOC.replace("drugs", "medicines")))]
    assert a == b
    assert a[0] != c[0] and a[1] == c[1]


def test_plain_text_headings_are_detected():
    text = " OVERVIEW\n\nIntroduction\nLuspatercept is a protein.\n\nBackground\nIt is given every 3 weeks.\n"
    md = plain_text_to_markdown(text)
    assert "## Overview" in md and "### Introduction" in md and "### Background" in md


def test_an_empty_heading_mark_takes_its_text_from_the_next_line():
    # some NCI pages write "##" alone, with the heading's text as the next paragraph
    text = ("# Radiation Therapy\n\nIntro text.\n\n##\n\nRadiation therapy can cause side effects\n\n"
            "Damage to healthy cells can cause side effects.\n\n##\n\nA sentence, not a heading, follows here.\n")
    blocks = markdown_blocks(text)
    assert ("heading", "Radiation therapy can cause side effects", 2) in [(b.kind, b.text, b.level) for b in blocks]
    # a sentence after an empty mark stays a paragraph
    assert ("para", "A sentence, not a heading, follows here.") in [(b.kind, b.text) for b in blocks]


def test_a_list_stays_whole_with_its_lead_in_up_to_twice_the_passage_size():
    from service.corpus.split import Block

    blocks = [Block("para", "word " * 20 + "can happen at different times:")]  # 24 words, + 48 in items
    blocks += [Block("item", "an item of the list with eight words") for _ in range(6)]
    blocks += [Block("para", "A closing sentence after the list. " * 4)]
    groups = group_blocks(blocks, max_words=40, min_words=10)
    with_lead = next(g for g in groups if g[0].text.endswith("times:"))
    assert [b.kind for b in with_lead] == ["para"] + ["item"] * 6  # not cut after the first item


def test_a_list_longer_than_the_cap_is_cut_between_items():
    from service.corpus.split import Block

    blocks = [Block("para", "The list:")] + [Block("item", "item " * 20) for _ in range(10)]
    groups = group_blocks(blocks, max_words=40, min_words=10)
    assert len(groups) > 1
    assert all(block.kind == "item" for group in groups[1:] for block in group)
    assert sum(len(g) for g in groups) == 11


def test_a_passage_knows_which_list_items_open_with_bold_names():
    body = ("## Use in Cancer\n\nX is approved to treat:\n\n- **[Multiple myeloma](/x)** in adults. It is used:\n"
            "- with dexamethasone\n- **Anemia** caused by other disease.\n")
    doc = make_document("x.md", {"title": "X - NCI", "url": "https://www.cancer.gov/x", "audienceLevel": "patient",
                                 "source": "NCI"}, body)
    (passage,) = document_passages(doc)
    assert passage.entries == ("Multiple myeloma", "Anemia")
