from service.corpus.clean import (
    clean_markdown,
    drop_captions,
    drop_citation_markers,
    drop_images,
    drop_navigation_lines,
    item_names,
    repair_hyphenation,
    repair_page_breaks,
    replace_links,
    strip_emphasis,
)


def test_links_become_their_text_even_across_lines():
    text, links = replace_links("Too few [red blood\ncells](/Common/PopUps/popDefinition.aspx?id=1) here.")
    assert text == "Too few red blood\ncells here."
    assert links == []  # glossary pop-ups are not kept


def test_relative_links_are_resolved_against_the_document_url():
    _, links = replace_links("See [stages](/types/leukemia/patient/stages) now.", "https://www.cancer.gov/types/x")
    assert links == [("stages", "https://www.cancer.gov/types/leukemia/patient/stages")]


def test_unsafe_link_schemes_are_not_kept():
    text, links = replace_links("[click](javascript:alert(1)) and [mail](mailto:a@b.c)")
    assert "click" in text and links == []


def test_citation_markers_single_and_ranges_are_dropped():
    text = "Up to 25% of patients.[[1](#cit/section_1.1)-[3](#cit/section_1.3)] More.[[4](#cit/section_1.4)]"
    assert drop_citation_markers(text) == "Up to 25% of patients. More."


def test_a_fact_sheets_reference_numbers_are_dropped_but_phone_numbers_and_years_kept():
    text = ("Exams are done by a health care professional ([17](#r17)). Supplements raised the risk (11, 12), and "
            "(3–5); call 1-800-4-CANCER (1-800-422-6237). It was published in 2011 (2022).")
    assert clean_markdown(text)[0] == ("Exams are done by a health care professional. Supplements raised the "
                                           "risk, and; call 1-800-4-CANCER (1-800-422-6237). It was published in "
                                           "2011 (2022).")


def test_images_and_enlarge_links_are_dropped():
    text = "[Enlarge](https://x/img.jpg)![Anatomy of the bone; drawing [1] shows marrow](https://x/img.jpg)\nCaption."
    assert drop_images(text).strip() == "Caption."


def test_an_image_whose_title_has_brackets_is_dropped_whole():
    text = ('- MRI makes pictures.[Enlarge](x.jpg)![Magnetic resonance imaging (MRI) scan; drawing shows a child]'
            '(x.jpg "Magnetic resonance imaging (MRI) scan; drawing shows a child lying on a table.")\n- CT scan')
    assert drop_images(text) == "- MRI makes pictures.\n- CT scan"


def test_a_box_of_links_between_a_lead_in_and_its_list_is_dropped():
    text = ("Signs of radiation proctitis include:\n\n#### Learn about other digestive system problems in people with "
            "cancer\n\n- [Diarrhea](/d)\n- [Constipation](/c)\n\n- diarrhea\n- blood or mucus in stool\n")
    cleaned, links = clean_markdown(text)
    assert "Learn about" not in cleaned and "Constipation" not in cleaned and not links
    assert "- blood or mucus in stool" in cleaned
    kept = "#### Learn about clinical trials\n\nClinical trials test [new treatments](/t).\n"
    assert "Learn about clinical trials" in clean_markdown(kept)[0]  # a heading over prose is a section


def test_a_caption_that_repeats_its_figures_title_is_dropped():
    text = ("- Lumbar puncture is a procedure.[Enlarge](x.jpg)![Lumbar puncture; drawing shows a patient](x.jpg)\n\n"
            "Lumbar puncture. A patient lies in a curled position on a table.\n- CT scan")
    assert "curled" not in drop_captions(text) and "- CT scan" in drop_captions(text)
    short_title = "![Drawing of a craniotomy showing the scalp](y.jpg)\n\nCraniotomy. An opening is made in the skull."
    assert "opening" not in drop_captions(short_title)


def test_a_paragraph_after_a_figure_that_does_not_repeat_its_title_is_kept():
    text = "![Drawing shows areas where laryngeal cancer may form](z.jpg)\n\nLaryngeal cancer forms in the larynx."
    assert "forms in the larynx" in drop_captions(text)


def test_a_picture_credit_and_the_caption_it_closes_are_dropped():
    # the hair-loss page opened its overview with the caption "try wearing fun scarves" and a credit line
    text = ("![Woman wearing a scarf](a.jpg)\n\nIf treatment will cause hair loss, try wearing fun scarves.\n\n"
            "Credit: National Cancer Institute\n\nSome types of chemotherapy cause the hair to fall out.")
    assert drop_images(text).split() == "Some types of chemotherapy cause the hair to fall out.".split()
    assert drop_images("![Illustration of older adults exercising](a.jpg)\nCredit: Storyset.com\nBody.").split() == [
        "Body."]
    unrelated = "![Drawing](z.jpg)\n\nCancer forms in the larynx.\n\nCredit cards are accepted."
    assert "Credit cards" in drop_captions(unrelated) and "larynx" in drop_captions(unrelated)


def test_navigation_and_placeholder_lines_are_dropped():
    text = "Intro\nGo to Patient Version\nPlaceholder slot\nGo to Health Professional Version\nBody"
    assert drop_navigation_lines(text).split() == ["Intro", "Body"]


def test_navigation_link_line_is_dropped_after_link_removal():
    text, _ = clean_markdown("[Go to Health Professional Version](/types/hp/x)\n\nBody text.")
    assert text.strip() == "Body text."


def test_emphasis_markers_are_removed_but_text_kept():
    assert strip_emphasis("***Definitions:*** a **bold** and *italic* word") == "Definitions: a bold and italic word"


def test_a_bold_label_ending_its_sentence_is_kept_apart_from_the_next():
    text, _ = clean_markdown("- **Fatigue from chemotherapy (chemo fatigue).**[Chemotherapy](/x) destroys cells.")
    assert text == "- Fatigue from chemotherapy (chemo fatigue). Chemotherapy destroys cells."
    assert strip_emphasis("**Port:**A port is. **Bold** and **end.**Next") == "Port: A port is. Bold and end. Next"
    assert strip_emphasis("a **bold**word") == "a boldword"  # (no end mark: as written)


def test_invisible_zero_width_marks_are_dropped():
    text, _ = clean_markdown("Cancer Treatment.\u200b\u200b\u200b")
    assert text == "Cancer Treatment."


def test_bold_that_opens_with_italic_closes_in_its_own_paragraph():
    text = "***Cannabis* has been studied**.\n\n**Nausea**\n\n*Cannabis* was given:\n\n- ***THC*** by mouth."
    assert strip_emphasis(text) == "Cannabis has been studied.\n\nNausea\n\nCannabis was given:\n\n- THC by mouth."
    assert strip_emphasis("**a bold phrase\nwrapped over a line**") == "a bold phrase\nwrapped over a line"


def test_bold_link_inside_list_item():
    text, _ = clean_markdown("- **[Complete blood\ncount (CBC)](/Common/PopUps/x)**: A procedure")
    assert text == "- Complete blood\ncount (CBC): A procedure"


def test_hyphenation_from_pdf_line_ends_is_repaired():
    assert repair_hyphenation("intrinsically hepato-\ntoxic drug") == "intrinsically hepatotoxic drug"
    assert repair_hyphenation("Stage I-\nII") == "Stage I-\nII"  # capital: a real hyphen, kept


def test_page_break_blank_run_inside_a_sentence_is_joined():
    text = "no patient developed acute liver injury,\n\n\n\nand some elevations were due to hemolysis."
    assert (
        repair_page_breaks(text)
        == "no patient developed acute liver injury,\nand some elevations were due to hemolysis."
    )


def test_paragraph_break_after_a_full_sentence_is_kept():
    text = "First paragraph ends.\n\n\nSecond starts."
    assert repair_page_breaks(text) == text


def test_html_entities_and_tags():
    text, _ = clean_markdown("A &amp; B<br/>C <em>D</em>")
    assert text == "A & B C D"


def test_bold_heading_lines_become_headings_below_the_last_real_heading():
    from service.corpus.clean import bold_lines_to_headings

    text = ("## Herbs\n\n### Questions About St. John's Wort\n\n"
            "4. **Have any studies of *St. John's wort* been done in people with cancer?**\n\nStudies found ...\n\n"
            "**Pain relief**\n\nText.\n\n**Treatment options:**\n- surgery\n\n"
            "**NOTE: This summary is not updated.**\n\n"
            "## Foods\n\n**Grapefruit**")
    lines = bold_lines_to_headings(text).split("\n")
    assert "#### Have any studies of *St. John's wort* been done in people with cancer?" in lines
    assert "##### Pain relief" in lines  # under the numbered question
    assert "**Treatment options:**" in lines  # a lead-in, not a heading
    assert "**NOTE: This summary is not updated.**" in lines  # a sentence, not a heading
    assert "### Grapefruit" in lines  # one below the "## Foods" that came after


def test_the_bold_names_opening_list_items_are_kept_cleaned():
    """Cleaning drops the bold; which items open an entry of a drug's list of uses is kept beside the text."""
    body = ("Lenalidomide is approved to treat:\n\n"
            "- **[Follicular lymphoma](/Common/PopUps/x)** in adults. It is used with rituximab.\n"
            "- with other drugs in adults\n"
            "- **[Stomach](/z) [adenocarcinoma](/y)** or **other** cancer.\n"
            "A sentence with **bold** words.\n")
    assert item_names(body) == ["Follicular lymphoma", "Stomach adenocarcinoma"]
