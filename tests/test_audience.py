from service.corpus.audience import verify_audience
from service.corpus.ingest import document_passages, make_document

PATIENT_URL = "https://www.cancer.gov/types/leukemia/patient/cll-treatment-pdq"


def test_patient_page_stays_patient():
    v = verify_audience(
        {"audienceLevel": "patient", "url": PATIENT_URL}, "cll.md", ["CLL Treatment (PDQ®)–Patient Version"]
    )
    assert v.audience == "patient" and not v.corrected


def test_link_to_health_professional_version_does_not_make_a_page_clinical():
    body = (
        "# CLL - NCI\n\n# CLL (PDQ®)–Patient Version\n\n## General\n\n"
        "[Go to Health Professional Version](/types/leukemia/hp/cll-treatment-pdq)\n\n"
        "CLL is a cancer of the blood. See the Health Professional Version for more.\n"
    )
    doc = make_document(
        "types-leukemia-patient-cll-treatment-pdq.md",
        {"audienceLevel": "patient", "url": PATIENT_URL, "title": "CLL - NCI"},
        body,
    )
    passages = document_passages(doc)
    assert doc.audience.audience == "patient"
    assert all(p.audience == "patient" for p in passages)
    assert all("Go to Health" not in p.text for p in passages)


def test_hp_url_segment_is_clinician():
    v = verify_audience(
        {"audienceLevel": "patient", "url": "https://www.cancer.gov/types/leukemia/hp/cll-treatment-pdq"}, "a.md", []
    )
    assert v.audience == "clinician" and v.corrected
    assert "URL marks a health-professional page" in v.reasons


def test_hp_prefix_and_trailing_hp_in_url():
    for url in (
        "https://www.cancer.gov/types/cardiac/hp-child-cardiac-treatment-pdq",
        "https://www.cancer.gov/types/adrenocortical/hp",
    ):
        assert verify_audience({"audienceLevel": "patient", "url": url}, "a.md", []).audience == "clinician"


def test_hp_in_file_name():
    v = verify_audience({"audienceLevel": "patient"}, "pdq/about-cancer-coping-feelings-depression-hp-pdq.md", [])
    assert v.audience == "clinician"


def test_health_professional_heading():
    v = verify_audience(
        {"audienceLevel": "patient"},
        "levels-evidence.md",
        ["Levels of Evidence (PDQ®) - NCI", "Levels of Evidence (PDQ®)–Health Professional Version"],
    )
    assert v.audience == "clinician" and "heading says Health Professional Version" in v.reasons


def test_words_containing_hp_are_not_hp():
    v = verify_audience(
        {"audienceLevel": "patient", "url": "https://www.cancer.gov/types/lymphoma/patient/graphs"},
        "hpv-and-cancer.md",
        [],
    )
    assert v.audience == "patient"


def test_missing_or_unknown_audience_fails_closed():
    assert verify_audience({}, "a.md", []).audience == "clinician"
    v = verify_audience({"audienceLevel": "everyone"}, "a.md", [])
    assert v.audience == "clinician" and v.reasons[0].startswith("unknown audience")


def test_declared_clinician_is_not_a_correction():
    v = verify_audience({"audienceLevel": "clinician"}, "a.md", [])
    assert v.audience == "clinician" and not v.corrected
