"""The understanding stage: one Query per message (focus, aspect, context, unknown words).

Small libraries are written in the test, so the mined vocabulary is known; the real-library checks at
the end are skipped when ../shared/kb is absent.
"""

import pytest

from service.answer.respond import Responder
from service.answer.understand import default_context_words, fold, read_ages, read_stage, strip_letter
from service.search.analyzer import Analyzer
from service.search.store import ensure_index
from service.search.vocabulary import best_long_form, mine_vocabulary

from .conftest import write

PAGE = """---
title: {title}
url: https://www.cancer.gov/types/{slug}
audienceLevel: patient
status: active
lastReviewed: 2025-12-30
---
# {title}

{body}
"""

LIBRARY = {
    "all.md": ("Acute Lymphoblastic Leukemia Treatment", "leukemia/all",
               "Acute lymphoblastic leukemia (ALL) is a type of cancer in which the bone marrow makes too many "
               "immature lymphocytes. Treatment of acute lymphoblastic leukemia (ALL) usually has phases. "
               "Chemotherapy is the main treatment for acute lymphoblastic leukemia in adults."),
    "larynx.md": ("Laryngeal Cancer Treatment", "head-and-neck/laryngeal",
                  "Laryngeal cancer forms in the tissues of the larynx (voice box). The larynx (voice box) "
                  "helps you speak. Surgery and radiation therapy are used to treat laryngeal cancer."),
    "spouse.md": ("Coping: Support for Your Spouse or Partner", "coping/spouse",
                  "A husband or wife may feel alone when a partner has cancer. Spouses and partners can find "
                  "support groups and counseling."),
    "esophagus.md": ("Esophageal Cancer Treatment", "esophageal",
                     "Esophageal cancer forms in the tissues of the esophagus. Trouble swallowing food is a "
                     "common sign. Esophageal cancer is treated with surgery, chemotherapy and radiation."),
    "years.md": ("Therapy-Related Myeloid Neoplasms", "myeloid/therapy-related",
                 "These therapy-related diseases usually occur within 7 years after treatment with chemotherapy "
                 "or radiation for an earlier cancer."),
    "childhood.md": ("Childhood Acute Lymphoblastic Leukemia Treatment", "leukemia/child-all",
                     "Childhood acute lymphoblastic leukemia (ALL) is the most common cancer in children. "
                     "Treatment of childhood ALL is chemotherapy given in phases over two to three years."),
}


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Responder:
    root = tmp_path_factory.mktemp("library")
    for name, (title, slug, body) in LIBRARY.items():
        write(root / name, PAGE.format(title=title, slug=slug, body=body))
    index, _ = ensure_index(root, tmp_path_factory.mktemp("index") / "i.npz")
    return Responder(index)


def test_schwartz_hearst_finds_the_long_form():
    assert best_long_form("ALL", "children with acute lymphoblastic leukemia") == "acute lymphoblastic leukemia"
    assert best_long_form("HER2", "the human epidermal growth factor receptor 2") == (
        "human epidermal growth factor receptor 2")
    assert best_long_form("XYZ", "nothing that spells it") is None


def test_vocabulary_is_mined_from_the_library(small):
    vocabulary = small.index.manifest["vocabulary"]
    assert vocabulary["acronyms"]["ALL"]["long"] == "acute lymphoblastic leukemia"
    aliases = {(a, b) for a, b, _ in vocabulary["aliases"]}
    analyzer = Analyzer()
    assert (" ".join(analyzer.tokens("larynx")), " ".join(analyzer.tokens("voice box"))) in aliases


def test_mining_ignores_capitalised_names_and_single_sightings():
    from service.corpus.models import Passage

    text = "Seen at the National Cancer Institute (NCI) once. A growth (lump) once."
    p = Passage("1", "a.md", "T", "", text, None, "NCI", None, "patient")
    mined = mine_vocabulary([p], Analyzer())
    assert mined["acronyms"]["NCI"]["long"] == "national cancer institute"
    assert mined["aliases"] == []  # one sighting is not an alias


def test_acronym_in_capitals_is_a_topic_not_a_stopword(small):
    query = small.understand("what is ALL")
    assert query.acronyms == ["ALL"]
    assert {"acut", "lymphoblast", "leukemia"} <= set(query.own_terms)
    reply = small.respond("what is ALL")
    assert reply.kind == "answer"
    assert reply.citations[0].title == "Acute Lymphoblastic Leukemia Treatment"


def test_acronym_in_lower_case(small):
    # "all" in lower case is an ordinary word; "aml"-like acronyms are recognised in lower case too
    assert small.understand("is all of it curable").acronyms == []
    assert small.expander.is_acronym("all")  # known, but only taken from capitals when it is also a stopword


def test_aliases_mined_in_the_test_library_expand_the_query(small):
    query = small.understand("my uncle has cancer of the voice box, how is it treated?")
    assert "larynx" in query.focus and query.focus["larynx"] < 1.0
    assert small.respond("my uncle has cancer of the voice box, how is it treated?").citations[0].title == (
        "Laryngeal Cancer Treatment")


def test_context_words_are_ignored(small):
    query = small.understand("my husband has cancer of the gullet, food keeps sticking. I'm scared, in simple terms")
    assert "husband" in query.context.people and "scared" in query.context.feelings
    assert "simple terms" in " ".join(query.context.filler)
    assert not {"husband", "scared", "simple", "terms"} & set(query.focus_words)
    reply = small.respond("my husband has cancer of the gullet, food keeps sticking when he swallows")
    assert reply.citations[0].title == "Esophageal Cancer Treatment"  # not the spouse page


def test_asking_to_be_gone_easy_on_is_filler(small):
    """"go easy" asks for plain words: "easy" chose "Choose clothes that are easy to take off"; a car park is
    where the patient forgot things, not CAR T-cell therapy."""
    query = small.understand("I'm not medical so go easy on me, what happens during radiotherapy?")
    assert "go easy on me" in query.context.filler
    assert "easy" not in query.focus_words
    query = small.understand("by the time I get back to the car park I've forgotten what the oncologist said")
    assert "car" not in query.focus_words


def test_a_filler_sentence_is_not_a_question_of_its_own(small):
    """"just trying to get my head round it": "head" of a filler phrase is no topic, so the message asks one
    thing (it was read as two, and the comparison was answered piecemeal)."""
    query = small.understand("whats the difference between radiotherapy and chemotherapy? just trying to get my "
                             "head round it")
    assert query.parts == []
    assert query.aspect is not None and query.aspect.name == "compare"


def test_whether_it_is_the_other_thing_is_its_own_question(small):
    """"is that a type of leukaemia?", "is it the same as normal pancreatic cancer?" ask whether the topic is the
    other thing named ("same_as"), at a clause's start only: "I have the same pain as before" asks nothing of it."""
    for message in ("dad's been diagnosed with MDS, is that a type of leukaemia?",
                    "is it the same as normal pancreatic cancer?"):
        query = small.understand(message)
        assert query.aspect is not None and query.aspect.name == "same_as", message
    query = small.understand("I have the same pain as before in my side")
    assert query.aspect is None or query.aspect.name != "same_as"


def test_numbers_are_context_and_ages_steer(small):
    query = small.understand("my 7 year old son has leukemia, what treatments are there")
    assert query.context.ages == [7] and query.context.population == "child"
    assert "7" not in query.focus
    reply = small.respond("my 7 year old son has leukemia, what treatments are there")
    assert reply.citations[0].title.startswith("Childhood")  # not "within 7 years after treatment"
    adult = small.respond("I'm 45 and have acute lymphoblastic leukemia, how is it treated")
    assert adult.citations[0].title == "Acute Lymphoblastic Leukemia Treatment"


def test_unknown_words_are_counted(small):
    query = small.understand("how do I reset my router password")
    assert set(query.unknown) >= {"router", "password"}
    assert query.unknown_share > 0.5
    assert small.respond("how do I reset my router password").kind == "no_answer"


def test_a_lay_phrase_of_common_words_is_a_topic(small):
    # every word of "get it up" is a stopword: the phrase still names the topic (erectile dysfunction)
    query = small.understand("can't get it up since my prostate op")
    assert "get it up" in query.own_terms
    # unless its words were read as who is asked about: "my kids" is people, not fertility
    assert "have kids" not in small.understand("how do I tell my kids").own_terms


def test_a_two_word_lay_phrase_is_found_said_apart_or_the_other_way_round(small):
    """"swollen leg" is lymphedema also as "my left leg is swollen" or "a swollen left leg"; "the runs", whose first
    word names nothing, only as written."""
    phrases = small.understander.expander.lay_phrases
    assert "swollen leg" in phrases("my left leg is swollen and feels heavy")
    assert "swollen leg" in phrases("a swollen left leg")
    assert "low platelets" in phrases("my platelets are low and I'm bruising")
    assert "swollen leg" not in phrases("my leg hurts and my ankle is swollen")
    assert "the runs" not in phrases("runs in the family")


@pytest.mark.kb
def test_short_and_slang_words_read_as_the_librarys(kb):
    assert kb.understand("ive had hep b since birth, will i get liver cancer?").focus.get("hepat", 0) > 0
    assert kb.understand("do i need to use a johnny while on chemo").focus.get("condom", 0) > 0
    assert kb.understand("her belly has swollen up, they want to drain it").focus.get("ascit", 0) > 0


@pytest.mark.kb
def test_a_generic_drug_name_is_not_expanded_to_its_brands(kb):
    """A brand said reads as its generic name ("Keytruda": pembrolizumab); a generic name said is what the library
    uses, and its twenty brands (dexamethasone's) would outweigh the rest of the question."""
    assert kb.understand("what is keytruda used for").focus.get("pembrolizumab", 0) > 0
    focus = kb.understand("why is my mum on thalidomide with dexamethasone for her myeloma?").focus
    assert "decadron" not in focus and "thalomid" not in focus


def test_a_lay_phrase_with_one_meaning_is_read_as_that_word(small):
    # "the runs" is diarrhea, as much as if the word had been written; "run" is not what is asked about
    query = small.understand("chemo has given me the runs, what should I be eating and drinking?")
    assert query.focus["diarrhea"] == 1.0
    assert query.focus.get("run", 0.0) < 0.5
    # a phrase with several meanings stays a set of related words: "blood cancer" may be any of three
    blood = small.understand("what is blood cancer")
    assert all(blood.focus.get(t, 0.0) < 1.0 for t in ("leukemia", "lymphoma", "myeloma"))


def test_a_problem_blamed_on_a_treatment_is_read(small):
    for message in ("skin has gone red and peely from the radiation", "can't get it up since my prostate op",
                    "mouth ulcers since chemo started", "hot flushes because of my tablets",
                    "chemo has given me the runs", "the tablets are making me sick",
                    "runny poo all the time, is the radiation doing that to my bowels?"):
        assert small.understand(message).blames_treatment, message
    for message in ("what is chemo", "I had surgery for bowel cancer, what happens next", "my mum with breast cancer",
                    "the surgeon has given me a date"):
        assert not small.understand(message).blames_treatment, message


@pytest.mark.kb
def test_an_acronym_is_found_in_a_title_by_its_whole_long_form(kb):
    from service.answer.conversation import ConversationState

    query = kb.understand("dad's been diagnosed with MDS, is that a type of leukaemia?")
    topic = kb._resolve(query, ConversationState(), "patient")
    concept = next(c for c in kb._concepts(topic, "patient") if "mds" in c.terms)
    # one word of the long form is not MDS: "Myelodysplastic/Myeloproliferative Neoplasms" is another disease
    assert not concept.found_in({"myelodysplast", "myeloprolif", "neoplasm"})
    assert concept.found_in({"myelodysplast", "syndrom", "treatment"})


def test_letters_are_reduced_to_the_question():
    letter = ("Hi, SUBJECT: question MESSAGE: Dear Sir/Madam, my mother [NAME] has CML. "
              "Can it be cured completely? Thanks in advance, John")
    # greetings, labels, placeholders and the sign-off go; the subject line may name the topic, so it stays
    assert strip_letter(letter) == "question my mother has CML. Can it be cured completely?"


def test_stages_and_ages_are_read():
    assert read_stage("stage 3 bowel cancer") == ("III", None)
    assert read_stage("Stage three") == ("III", None)
    assert read_stage("stage IIIb, grade 2") == ("IIIB", "II")
    assert read_ages("my son, 7, has a temp of 38.5") == [7]
    assert read_ages("I'm 64 and my PSA is 6.2") == [64]
    assert read_ages("my 7-year-old and my 13 yr old") == [7, 13] and read_ages("45yo, scan today") == [45]
    assert read_ages("finished treatment 2 years ago") == [] and read_ages("it's been 10 years") == []
    # the age a cancer came, told in the past: a childhood cancer's survivor, now an adult
    assert sorted(read_ages("I had leukaemia when I was 5, now I'm 30")) == [5, 30]
    assert read_ages("when she was just 4 months old") == []


def test_worried_sick_is_a_feeling_not_sickness(small):
    """"worried sick" says how worried, as "scared to death" says how scared: not nausea."""
    query = small.understand("worried sick that chemo will leave me unable to have kids")
    assert "worried" in query.context.feelings
    assert small.index.analyzer.term("sick") not in query.focus


def test_long_messages_up_to_4000_characters_are_accepted(client):
    message = "Dear team, " + "I have been reading about my treatment. " * 90 + "What is Reblozyl used for?"
    assert 3000 < len(message) <= 4000
    resp = client.post("/api/v1/chat", json={"message": message})
    assert resp.status_code == 200


# --- the real library --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def kb(kb_app) -> Responder:
    return kb_app.extensions["responder"]


@pytest.mark.kb
@pytest.mark.parametrize("question", [
    "What is diabetes and how is it treated?",
    "How do I become a nurse?",
    "how do i reset my iphone password",
    "Can you recommend a good pizza place near me?",
    "How do I get rid of athlete's foot?",
    # one word of a cancer-care phrase ("hair" of "hair loss") or an acronym that is also a word ("pass")
    # does not tie a message to cancer care
    "how do you get rid of head lice in kids hair",
    "what causes kidney stones and how do you pass them",
])
def test_off_library_questions_are_not_answered(kb, question):
    reply = kb.respond(question)
    assert not reply.citations, f"{question!r} was answered from {reply.citations[0].title!r}"


@pytest.mark.kb
def test_conversation_narrows_and_replaces_on_the_focus(kb):
    first = kb.respond("tell me about thyroid cancer")
    narrowed = kb.respond("what about in children?", first.conversation_id)
    assert narrowed.citations[0].url.endswith("/child-thyroid-treatment-pdq")
    cll = kb.respond("whats CLL")
    kb.respond("thanks", cll.conversation_id)
    replaced = kb.respond("and CML? is that the same thing?", cll.conversation_id)
    assert replaced.citations[0].url.endswith("/cml-treatment-pdq")


@pytest.mark.kb
def test_a_brand_name_finds_its_own_drug_not_a_combination_that_lists_it(kb):
    for question, ending in {"what does Femara do": "/drugs/letrozole", "what is Yervoy": "/drugs/ipilimumab"}.items():
        reply = kb.respond(question)
        assert reply.citations[0].url.rstrip("/").endswith(ending), (question, reply.citations[0].url)


@pytest.mark.kb
def test_another_disease_replaces_the_topic_and_keeps_the_question(kb):
    first = kb.respond("how do you prevent skin cancer")
    assert "skin-prevention" in first.citations[0].url
    second = kb.respond("ok and what about mouth cancer?", first.conversation_id)
    assert second.citations[0].url.endswith("/oral-prevention-pdq")  # prevention, not mouth cancer treatment


@pytest.mark.kb
def test_thanks_between_turns_keeps_the_topic(kb):
    first = kb.respond("what is lymphedema")
    assert kb.respond("thank you, that helps", first.conversation_id).kind == "smalltalk"
    follow = kb.respond("how is it treated", first.conversation_id)
    assert "lymphedema" in follow.citations[0].url


@pytest.mark.kb
def test_lay_words_and_acronyms_on_the_real_library(kb):
    cases = {
        "my husband has cancer of the gullet, food keeps sticking when he swallows. how is it treated?":
            "/esophageal-treatment-pdq",
        "what is ALL": "/adult-all-treatment-pdq",
        "how does chemo actually work? in simple terms please, i'm not medical": "/chemotherapy",
        "my 7 year old son has leukemia, what treatments are there": "/child-all-treatment-pdq",
    }
    for question, ending in cases.items():
        reply = kb.respond(question)
        assert reply.kind == "answer", question
        assert any(c.url and c.url.rstrip("/").endswith(ending) for c in reply.citations[:2]), (
            question, [c.url for c in reply.citations])


def test_mined_vocabulary_is_in_the_index_report(capsys, tmp_path):
    from service.cli import main

    library = tmp_path / "lib"
    for name, (title, slug, body) in LIBRARY.items():
        write(library / name, PAGE.format(title=title, slug=slug, body=body))
    assert main(["index", "--corpus", str(library), "--index-path", str(tmp_path / "i.npz")]) == 0
    out = capsys.readouterr().out
    assert "mined vocabulary:" in out and "ALL = acute lymphoblastic leukemia" in out


@pytest.mark.kb
def test_general_health_questions_need_cancer_context(kb):
    # the library has a page on flu-like symptoms of cancer treatment: it does not answer a question about flu
    assert not kb.respond("what are the symptoms of the flu").citations
    # a side effect of cancer treatment asked without naming cancer is still answered
    assert kb.respond("How can I cope with nausea?").kind == "answer"
    # and within a conversation about cancer, a follow-up needs no cancer word of its own
    first = kb.respond("chemo is making me feel sick")
    follow = kb.respond("and what about the diarrhea, what should i eat for that", first.conversation_id)
    assert follow.kind == "answer" and "diarrhea" in follow.citations[0].url


@pytest.mark.kb
@pytest.mark.parametrize("message, aspect", [
    ("what kinds of kidney cancer do children get apart from wilms?", "kinds"),
    ("what types of lung cancer are there", "kinds"),
    ("different types of sarcoma?", "kinds"),
    # one type asked of a drug, or one kind of help: not the kinds of a thing
    ("Ibrance - what type of breast cancer is it approved for?", None),
    ("what kind of support is there for carers?", None),
    ("what types of treatment are there for bladder cancer?", "treatment"),
    # a cue word that ends a topic's name is not a cue ("photodynamic therapy", "flu-like symptoms") ...
    ("what is photodynamic therapy?", "what_is"),
    ("flu-like symptoms after treatment", None),
    # ... only where it ends the name: "risk factors" still asks about risk beside "am I high risk?"
    ("I'm 45, my mum had breast cancer at 50. what are the risk factors and am I high risk?", "causes"),
    # a symptom told with a worry about a cancer named asks whether it may be a sign of it; not a question about who
    # gets the cancer
    ("saw blood in my wee this morning, didnt hurt. should i be worried about bladder cancer", "symptoms"),
    ("my 15 year old found a lump in her breast, is breast cancer something teens get?", None),
    # a lay phrase that asks what its library words ask stays a cue ("long term effects" are late effects)
    ("I had leukaemia when I was 5, now I'm 30. what long term effects should I be checked for?", "side_effects"),
])
def test_the_aspect_asked(kb, message, aspect):
    """The kinds of a thing; and a cue word set aside only where it ends a topic's name."""
    found = kb.understand(message).aspect
    assert (found.name if found is not None else None) == aspect


@pytest.mark.kb
@pytest.mark.parametrize("message, aspect", [
    ("does bowel cancer run in families?", "causes"),
    ("my mum and her sister both had breast cancer, will I get it too?", "causes"),
    ("my dad died of prostate cancer at 60, should I be worried about getting it", "causes"),
    ("could I pass it on to my kids?", "causes"),
    # getting it checked, or back, is not getting the disease
    ("I found a lump in my breast, how do I get it checked?", "symptoms"),
])
def test_a_familys_risk_is_asked_in_plain_words(kb, message, aspect):
    found = kb.understand(message).aspect
    assert (found.name if found is not None else None) == aspect


@pytest.mark.kb
def test_a_relatives_cancer_with_a_risk_question_brings_family_history(kb):
    """"my dad died of prostate cancer ... worried about getting it": the library's words for a family history
    join the focus, and the story's "died" is not what is asked; a child's own treatment causing problems, or a
    relative's test result, is no family history."""
    query = kb.understand("my dad died of prostate cancer at 60, should I be worried about getting it")
    assert query.focus.get("famili", 0) > 0 and query.focus.get("histori", 0) > 0
    assert query.focus.get("die", 0) < 1.0 and "die" not in query.own_terms
    for story in ("my daughter had chemo and radiation for leukaemia when she was 4, could the treatment cause "
                  "problems later on?", "my sister and I both tested BRCA1 positive, how much does surgery lower "
                  "the risk?"):
        assert "famili" not in kb.understand(story).focus, story


@pytest.mark.kb
@pytest.mark.parametrize("message, condition", [
    # another condition, with only words other care shares ("treatment", "eyes", "throat")
    ("conjunctivitis both eyes, crusted shut this morning. do i need antibiotic drops or will it clear on its own",
     "conjunctivitis"),
    ("nits AGAIN!! whats the best head lice treatment that doesnt mean combing for hours", "nits"),
    ("tonsilitis for the 3rd time this year im 29, do they still take adults tonsils out?", "tonsilitis"),
    # a word mined from the library's headings ("brown" of "Black and Brown Skin") is not cancer care beside it
    ("my asthma inhaler (the brown preventer one) doesnt seem to be doing anything anymore", "asthma"),
    # cancer care named beside the condition, or a sign that may be a cancer's: not another condition's question
    ("can i have the flu jab while on chemo", None),
    ("had shingles twice since finishing treatment for lymphoma, is that normal", None),
    ("my dad has dementia and now they found a lump in his bowel, what happens next", None),
    ("my gp thinks it's just a water infection but there's blood in my wee", None),
    ("is it a migraine or could a headache be a brain tumour", None),
])
def test_a_condition_outside_cancer_care_is_read_only_when_nothing_of_cancer_care_is_named(kb, message, condition):
    assert kb.understand(message).other_condition == condition


@pytest.mark.kb
def test_words_of_news_headlines_are_not_names_of_cancer_care(kb):
    """Page titles name topics ("Polycythemia Vera", "Gestational Trophoblastic Disease"); a research news headline
    ("Low-Dose Radioactive Iodine Destroys Thyroid Tissue Left after Surgery") is a sentence whose words name
    nothing of cancer care, so "destroy" and "left" do not tie a message to it."""
    mined = kb.understander.cancer_terms
    assert {"polycythemia", "trophoblast"} <= mined
    assert not {"destroy", "left", "weigh"} & mined
    assert not kb.understand("is there anything left I can do about my knee clicking").cancer_context


@pytest.mark.kb
def test_cancer_care_is_what_the_writer_named_not_the_librarys_word_for_it(kb):
    """"eye" is read as the library's "intraocular" and "gums" as "gingiva" to find pages, but those words only
    name cancer pages: the writer named no cancer care. A lay phrase's meaning still counts ("in the mirror" is
    body image) and so does a word written ("chemo")."""
    for message in ("my eye keeps twitching when I'm tired, why does that happen",
                    "my gums bleed a bit when I floss, should I floss less"):
        query = kb.understand(message)
        assert not query.cancer_context, message
        assert kb.respond(message).kind == "no_answer", message
    assert kb.understand("my eye has been sore since starting chemo, is that a side effect").cancer_context
    assert kb.understand("since my operation I hate what I see in the mirror, how do people cope?").cancer_context


@pytest.mark.kb
def test_a_question_about_another_condition_is_told_the_library_does_not_cover_it(kb):
    """Not the nearest cancer page (eye melanoma for conjunctivitis); a follow-up in a conversation about cancer is
    answered as usual."""
    reply = kb.respond("conjunctivitis both eyes, crusted shut this morning. do i need antibiotic drops?")
    assert reply.kind == "no_answer" and not reply.citations
    assert "conjunctivitis" in reply.text and "cancer" in reply.text
    first = kb.respond("I'm having chemo for breast cancer")
    assert first.kind == "answer"
    follow = kb.respond("is the flu jab safe for me?", first.conversation_id)
    assert "conjunctivitis" not in follow.text and follow.text != reply.text


@pytest.mark.kb
def test_a_letter_is_answered_from_what_its_question_names(kb):
    letter = ("Hi, SUBJECT: prognosis MESSAGE: Dear sir/madam, my father-in-law (77) has been told he has stomach "
              "cancer and that it has spread to nearby lymph nodes. The family had a meeting with the consultant but "
              "he was very vague when we asked how long, and my husband does not want to ask again. I understand "
              "every person is different. Could you tell me what the survival rates are for stomach cancer and what "
              "things affect the outlook? We are trying to plan as a family, including whether his brother should "
              "fly over from Australia now or later. Thank you for your kindness, Anne")
    query = kb.understand(letter)
    assert "australia" not in query.own_terms and "stomach" in query.own_terms
    assert query.context.ages == [77]
    reply = kb.respond(letter)
    assert reply.kind == "answer" and "/types/stomach" in reply.citations[0].url


@pytest.mark.kb
def test_a_drug_named_by_brand_prefers_its_own_drug_page(kb):
    reply = kb.respond("is Opdivo used for melanoma or only lung cancer?")
    assert reply.citations[0].url.rstrip("/").endswith("/drugs/nivolumab")  # not "Melanoma Treatment" or news


@pytest.mark.kb
def test_a_long_misspelt_word_is_read_as_the_word_meant(kb):
    query = kb.understand("how does chemotheraphy actualy work")
    assert query.own_terms == ["chemotherapi"]  # corrected, and "actualy" is filler once corrected
    assert query.focus["chemotherapi"] == 1.0
    # a short word is left as written: it may be a real word the library does not use ("blank", not "black")
    assert "blank" in kb.understand("I go blank in appointments").own_terms
    # nor is a word with another first letter: "lipoma" is not the cancer "vipoma", nor "glioma" (which shares its
    # deletion "lioma"), and a twitching eye is not a "switch"
    for message, word in (("is a fatty lipoma anything to worry about", "lipoma"),
                          ("my eyelid keeps twitching", "twitch")):
        query = kb.understand(message)
        assert word in query.own_terms and not {"vipoma", "glioma", "switch"} & set(query.focus), query.focus


@pytest.mark.kb
def test_treatment_for_a_stage_is_answered_from_the_treatment_by_stage_page(kb):
    first = kb.respond("how is stomach cancer treated")
    staged = kb.respond("what about stage 3?", first.conversation_id)
    assert staged.citations[0].url.rstrip("/").endswith("/stomach/treatment/by-stage")


@pytest.mark.kb
def test_feelings_with_only_everyday_words_are_answered_from_coping_material(kb):
    reply = kb.respond("I feel angry all the time since my diagnosis, I snap at everyone. is that normal?")
    assert reply.kind == "answer" and reply.citations
    assert any(w in reply.citations[0].title.lower() for w in ("emotion", "coping", "feeling", "support", "distress"))


@pytest.mark.kb
def test_checking_for_cancer_is_a_screening_question_but_check_ups_are_follow_up(kb):
    screening = kb.respond("I'm 19, should I be checking my testicles for cancer regularly?")
    assert "screening" in screening.citations[0].url
    follow_up = kb.respond("once treatment is over what check ups will I need and how often?")
    assert follow_up.kind == "answer" and "follow-up" in follow_up.citations[0].url


def test_question_types_read_wordings_made_of_common_words():
    from service.answer.intent import QuestionTypes

    analyzer = Analyzer()
    qtypes = QuestionTypes(analyzer)
    cases = {
        "just asking generally, what is a checkpoint inhibitor?": "what_is",  # after filler
        "is MDS a type of leukaemia?": "same_as",  # whether it is the other thing, then what it is
        "what is prostate cancer?": "what_is",  # not whether it is cancer
        "pheochromocytoma and adrenal tumour, is it cancer?": "is_cancer",
        "why is pancreatic cancer found so late?": "why",
        "my mouth hurts, what can I do": "self_care",
        "hot sweats at night, what helps with the flushes?": "what_helps",  # the drugs as well as self-care
        "what can be done to protect my fertility?": "protect",  # the page's section on keeping it
        "is surgery the main one?": "main_one",  # whether it is the main treatment
        "how long will the tiredness last": "duration",
        "will my hair grow back after chemo?": "duration",
        "i dont understand how a blood cancer causes back pain": "why",  # how, not who is at risk
        "they want to do radiotherapy before the surgery and I don't understand why": "why",  # no question mark
        "I'm 19, should I be checking my testicles for cancer regularly?": "screening",  # no symptoms
        "how do they test for bowel cancer?": "diagnosis",
        "when is osimertinib used?": "treatment",  # what it is used for, as "what is it used for?"
        "chemo has given me the runs, what should I be eating and drinking?": "self_care",  # eating with it
        "I found a lump, should I get it checked?": "diagnosis",  # a symptom: not screening
        "how often should I have a check-up for skin cancer": "screening",
        "skin gone red from radiotherapy, what can i put on it?": "self_care",
        "so tired all the time since radiotherapy started. is this normal??": "common",
        "how do I tell my 5 and 8 year old that I have cancer?": "telling",  # what to say, not how they react
        "is it normal for doctors to use a drug off label?": "common",
        "is my PSA level normal?": "results",  # a result, not whether something is common
        "how does radiation therapy actually work?": "mechanism",
        "how does hormone therapy for prostate cancer work?": "mechanism",
        "is there a link between abortion and breast cancer?": "link",
        "does using antiperspirant cause breast cancer?": "link",  # yes or no: not "what causes it?"
        "does drinking alcohol increase my risk of breast cancer?": "link",
        "what causes bladder cancer?": "causes",
        "What are the genetic changes related to Chronic Myelogenous Leukemia?": "causes",  # not a yes or no
        "how often will I have chemo?": "frequency",
        "does a bone marrow biopsy hurt?": "hurts",
        "what actually happens during radiotherapy?": "expect",
        "what are the most common cancers in children and teenagers?": "most_common",  # which, not whether
        "is chemo painful?": "hurts",
        "will my periods come back after chemo?": "duration",
        "what should i be asking her": "questions_to_ask",  # the questions to ask, not what talking is
        "what questions should I ask about radiotherapy?": "questions_to_ask",
        "how much does having both breasts removed lower the risk?": "how_much",  # a size, not what prevents it
    }
    for text, name in cases.items():
        detected = qtypes.detect(text)
        assert detected is not None and detected.name == name, (text, detected and detected.name)
    # a symptom, not whether a test or treatment hurts
    assert qtypes.detect("it hurts to eat since chemo, what can I do").name == "self_care"
    told = qtypes.detect("my husband's throat is so sore from radiotherapy he can barely swallow, what soft foods?")
    assert told is None or told.name != "hurts"
    # a job, not how a treatment acts
    assert (qtypes.detect("how do people cope with going back to work?") or qtypes.types[0]).name != "mechanism"
    assert [t.name for t in qtypes.matching(analyzer.tokens("what can I do"), "what can I do")] == ["self_care"]


def test_a_phrase_cue_never_shrinks_to_a_word_that_is_not_a_cue_itself():
    """Stopwords are dropped: the cue "check up" would be any "check" (and "I found a lump, should I get it
    checked?" would ask about screening); such phrases are patterns instead."""
    import yaml

    from service.answer.intent import DATA

    analyzer = Analyzer()
    for name, spec in yaml.safe_load((DATA / "question_types.yaml").read_text(encoding="utf-8")).items():
        if name == "what_is":  # read by its patterns, not its cue words
            continue
        single = {tuple(analyzer.tokens(c)) for c in spec.get("cues", []) if len(c.split()) == 1}
        for cue in spec.get("cues", []):
            terms = tuple(analyzer.tokens(cue))
            if len(cue.split()) > 1 and len(terms) < 2:
                assert terms in single, (name, cue, terms)


def test_a_story_phrase_is_not_a_question_type_cue(small):
    query = small.understand("my dad was diagnosed with acute lymphoblastic leukemia, is that a type of cancer?")
    assert query.aspect is not None and query.aspect.name == "what_is"  # not "diagnosis"
    # a result told, holding the lay phrase "came back"; a stage named says which, not that stages are asked
    query = small.understand("biopsy came back as leukemia stage 0, is that actually cancer? does he need chemo?")
    assert [t.name if t else None for _, t in query.parts] == ["is_cancer", "treatment"]
    assert small.understand("how is acute lymphoblastic leukemia diagnosed?").aspect.name == "diagnosis"
    # a long part tells a story around its question: the question type is its asking clause's
    query = small.understand("my sister and I both tested positive for the leukemia gene and she has had her treatment "
                             "and I'm not sure whether I should too how much does it lower the risk and can I work")
    assert [t.name if t else None for _, t in query.parts][0] == "how_much"  # not "diagnosis" of "tested"


@pytest.mark.parametrize("message, recurrence", [
    ("my dad's lymphoma has come back, what now?", True),
    ("relapsed AML treatment", True),
    ("the cancer is not responding to chemo any more", True),
    ("my PSA came back at 6.2, does that mean cancer?", False),
    ("the biopsy came back clear, what happens next?", False),
    ("how is neuroblastoma treated?", False),
    ("will my cancer come back?", True),
    # the body's, not the cancer's: how long, not recurrence
    ("will my periods come back after chemo?", False),
    ("will my sense of taste come back?", False),
    # a person coming back (to work), not the cancer; but "it's coming back" is the cancer
    ("my boss keeps asking when I'm coming back", False),
    ("I'm scared it's come back", True),
])
def test_cancer_that_came_back_is_read_but_not_a_result_that_came_back(small, message, recurrence):
    query = small.understand(message)
    assert query.context.recurrence is recurrence
    # the lay phrase "came back" means recurrence only when the cancer came back
    assert ("recurr" in query.focus) is (recurrence and ("came back" in message or "come back" in message))


def test_a_piece_that_asks_nothing_and_names_nothing_is_not_a_question_of_its_own(small):
    # "never heard of it" is a remark: the message asks one thing, what the cancer is
    assert small.understand("what is merkle cell carcinoma? never herd of it").parts == []


@pytest.mark.parametrize("message", [
    # a remark, a story told after the question, a story told before it in the same piece
    "kind of random but how is esophageal cancer treated?",
    "how is esophageal cancer treated? my dad was told last week and we have three teenage children",
    "what are the signs of esophageal cancer? I get indigestion a lot",
])
def test_a_piece_that_tells_is_not_a_question_of_its_own(small, message):
    assert small.understand(message).parts == []


@pytest.mark.parametrize("message, kinds", [
    # asked after a dash, inside a sentence ("I don't get how"), or as a tag ("is that right")
    ("esophageal cancer - what is it and how long does it last", [None, "duration"]),
    ("they are giving him chemotherapy and I don't get how it is given and what the side effects are",
     [None, "side_effects"]),
    ("my husband has esophageal cancer and the doctor said surgery is that right and how long does it last",
     [None, "duration"]),
    # joined by "or" ("what that involves or how long I'd be in hospital or whether they take the lymph nodes")
    ("they want to do surgery for my esophageal cancer and I don't know what that involves or how long it lasts",
     [None, "duration"]),
    # after a comma, "whether" starts one too ("how it is treated, whether he will need radiotherapy afterwards")
    ("we would like to know how esophageal cancer is treated, whether he will need radiotherapy afterwards",
     ["treatment", None]),
])
def test_a_piece_that_asks_is_a_question_of_its_own(small, message, kinds):
    assert [t.name if t else None for _, t in small.understand(message).parts] == kinds


def test_an_enumeration_is_one_question(small):
    """"for example about X, Y, and what Z" lists what the one question covers: it is not three questions."""
    query = small.understand("I would like to know what to expect after esophageal cancer treatment, for example "
                             "about follow-up care, who to call, and what signs to look out for.")
    assert query.parts == []


def test_the_question_type_is_asked_by_the_sentences_that_ask(small):
    """A story told around a question holds cue words of its own ("diagnosed"): the sentences that ask say what
    is asked, and the whole message only when they name no type."""
    query = small.understand("My nephew, aged 9, has been diagnosed with acute lymphoblastic leukemia. The doctors "
                             "there have talked about chemotherapy. My question is: how is this leukemia treated in "
                             "children?")
    assert query.aspect is not None and query.aspect.name == "treatment"
    query = small.understand("My husband has esophageal cancer and the doctors talked about how it is treated. Is "
                             "there anything we should know?")
    assert query.aspect is not None and query.aspect.name == "treatment"  # (the asking sentence names no type)
    # ... but "no treatment left" tells where things stand: not a question about treatment
    query = small.understand("The doctors say there is no treatment left for my husband's esophageal cancer. Is "
                             "there any way to get a new drug?")
    assert query.aspect is None


@pytest.mark.parametrize("message, aspect", [
    ("PSA came back at 6.2 and I'm 64, does that mean I've got prostate cancer?", "results"),
    ("is my PSA level too high?", "results"),
    ("is a PSA of 6 high?", "results"),
    ("I'm so tired all the time since radiotherapy. is this normal??", "common"),  # whether it is common, not a result
    ("my biopsy results came back as DCIS, is it really cancer?", "is_cancer"),  # whether it is cancer
])
def test_what_a_test_result_means_is_its_own_aspect(small, message, aspect):
    query = small.understand(message)
    assert (query.aspect.name if query.aspect else None) == aspect


def test_an_age_band_heading_is_read_against_the_ages_asked():
    from service.answer.compose import outside_ages

    assert outside_ages("Talking with Children > Teens", [5, 8])
    assert not outside_ages("Talking with Children > Teens", [14])
    assert outside_ages("Coping > Adult Children", [5])
    assert not outside_ages("Coping > Adult Children", [])  # no age said: nothing is ruled out
    assert not outside_ages("Teens > What to expect", [5])  # only the section's own heading counts


@pytest.mark.parametrize("message", ["could the treatment cause problems later on, like with her heart?",
                                     "can chemo damage your heart?", "can radiotherapy affect fertility?"])
def test_a_treatment_causing_harm_asks_about_side_effects_not_risk_factors(small, message):
    assert small.understand(message).aspect.name == "side_effects"


@pytest.mark.parametrize("message", ["can't get it up since my prostate op, what can be done",
                                     "is there anything I can do for mouth sores from chemo"])
def test_what_can_be_done_asks_for_self_care(small, message):
    """What the writer can do, or anything that helps ("what_helps", answered from the self-care sections first)."""
    assert {t.family for t in small.understand(message).asked} & {"self_care"}


def test_why_comes_before_the_aspects_whose_words_it_contains(small):
    query = small.understand("why do they need to check if it has spread to his brain and spinal cord?")
    assert query.aspect.name == "why"
    assert {"diagnosis", "stages"} <= {t.name for t in query.asked}  # still read, for the sentences chosen


@pytest.mark.kb
def test_a_lay_word_is_corrected_only_to_what_it_means(kb):
    peely = kb.understand("skin on my chest has gone red and peely from the radiation")
    assert "pelvi" not in peely.focus  # "peely" is peeling skin, not a misspelt "pelvis"
    assert "peel" in peely.focus
    british = kb.understand("my dad has leukaemia, what is it?")
    assert "leukemia" in british.focus


@pytest.mark.kb
def test_a_lay_word_the_library_hardly_uses_is_read_as_its_one_meaning(kb):
    # "hooked" is addiction, and the library nearly never says "hooked": the fear is about addiction
    hooked = kb.understand("terrified i'll get hooked on the morphine they gave me for bone pain")
    assert hooked.focus["addict"] == 1.0
    # "mouth" is the library's own word: "oral" stays a related word, not the topic
    assert kb.understand("my mouth is full of ulcers since chemo").focus.get("oral", 0.0) < 1.0
    reply = kb.respond("terrified i'll get hooked on the morphine they gave me for bone pain from the cancer, should "
                       "I just put up with the pain instead?")
    assert "addict" in " ".join(s.text for s in reply.sentences)


def test_a_section_heading_is_read_for_the_aspect_it_names():
    from service.answer.intent import QuestionTypes

    qtypes = QuestionTypes(Analyzer())
    diagnosis, stages = qtypes.by_name["diagnosis"], qtypes.by_name["stages"]
    # "diagnose" and "diagnosed" in a heading name diagnosis (the heading words are analysed like the cues)
    assert qtypes.section_score(diagnosis, "General Information > A biopsy is done to diagnose prostate cancer.") == 2
    # a staging section's heading names diagnosis too, but it belongs to the staging part of the page
    staging = "Stages of Prostate Cancer > After prostate cancer has been diagnosed, tests are done to find out if " \
              "cancer cells have spread."
    assert qtypes.section_score(diagnosis, staging) == 0
    assert qtypes.section_score(stages, staging) == 2
    # the same heading under "General Information" (Merkel cell carcinoma) is still about staging
    general = "General Information About Merkel Cell Carcinoma > After Merkel cell carcinoma has been diagnosed, " \
              "tests are done to find out if cancer cells have spread to other parts of the body."
    assert qtypes.section_score(diagnosis, general) == 0
    # "Recovering" and "Recovery" are analysed apart ("recov", "recoveri"): both headings say how long
    duration = qtypes.by_name["duration"]
    assert qtypes.section_score(duration, "Recovering after a mastectomy") == 2
    assert qtypes.section_score(duration, "Recovery after surgery") == 2
    assert qtypes.section_score(stages, general) == 2
    assert qtypes.section_score(diagnosis, "General Information > Tests that examine the skin are used to diagnose "
                                           "Merkel cell carcinoma.") == 2
    assert qtypes.section_score(qtypes.by_name["screening"], "Prostate Cancer Screening > Key Points") > 0
    assert qtypes.section_score(diagnosis, "Prostate Cancer Screening > Key Points") == 0
    # how a skin cancer shows itself is its signs, though the heading names none
    symptoms = qtypes.by_name["symptoms"]
    lump = "General Information > Merkel cell carcinoma usually appears as a single painless lump on sun-exposed skin."
    assert qtypes.section_score(symptoms, lump) == 2
    assert qtypes.section_score(symptoms, "General Information > Merkel cell carcinoma is a very rare type of "
                                          "cancer that forms in the skin.") == 0


def test_whether_a_problem_comes_from_the_treatment_asks_for_the_side_effects_signs(small):
    message = "now I'm getting mucus and blood from my back passage. could that be from the radiation?"
    assert small.understand(message).aspect.name == "symptoms"
    assert small.understand("is this caused by smoking?").aspect.name != "symptoms"  # a cause, not a treatment


def test_scared_to_death_says_how_scared_not_a_question_about_death(small):
    query = small.understand("how do I tell my 5 and 8 year old that mummy has cancer without scaring them to death")
    assert "death" not in query.focus
    assert small.understand("I'm scared to death").context.feelings == ["scared"]  # the feeling stays


def test_can_only_manage_liquids_is_not_a_question_about_managing(small):
    query = small.understand("my dad can only manage liquids, what counts as a full liquid diet?")
    assert query.aspect is None or query.aspect.name not in ("self_care", "treatment")
    assert small.understand("how can I manage my fatigue").aspect.name == "self_care"


@pytest.mark.parametrize("message, dose", [("how long dose the sickness last after chemo?", False),
                                           ("dose it hurt to have a bone marrow biopsy?", False),
                                           ("what dose of radiation will I get?", True)])
def test_dose_written_for_does_is_not_a_radiation_dose(small, message, dose):
    assert ("dose" in small.understand(message).focus) is dose


@pytest.mark.parametrize("message", [
    "can my mum take st john's wort for her low mood while she's on her chemo tablets?",
    "can I eat grapefruit on chemo",
    "is it safe to drink green tea during radiotherapy?",
])
def test_whether_something_mixes_with_a_treatment_asks_about_interactions(small, message):
    assert small.understand(message).aspect.name == "interactions"


@pytest.mark.parametrize("message", ["what should I eat while on chemo", "what can I drink during radiotherapy?"])
def test_what_to_eat_while_on_a_treatment_names_nothing_that_mixes_with_it(small, message):
    assert small.understand(message).aspect.name == "self_care"


@pytest.mark.parametrize("message", ["my platelets are low and I'm bruising, what should I watch out for?",
                                     "when should I call the doctor about a temperature on chemo?"])
def test_what_to_watch_out_for_asks_when_to_call_the_care_team(small, message):
    assert small.understand(message).aspect.name == "when_to_call"


@pytest.mark.parametrize("message", ["I'm 17 and about to have chemo, will I be able to have kids later?",
                                     "I'm 23 and have an ovarian germ cell tumour, can I still have children?",
                                     "my son has Hodgkin's, will it affect his fertility?"])
def test_whether_treatment_will_change_something_for_them_is_its_own_aspect(small, message):
    assert small.understand(message).aspect.name == "whether_affected"


@pytest.mark.parametrize("message", ["can I still eat grapefruit on chemo?", "will my hair grow back after chemo?"])
def test_whether_something_mixes_or_passes_is_not_whether_it_affects_them(small, message):
    assert small.understand(message).aspect.name != "whether_affected"


def test_a_relatives_cancer_is_a_family_history_only_when_the_writers_own_risk_is_asked(small):
    """"my mum had breast cancer, am I high risk?" is about a family history; "my grandad has advanced cancer ... what
    causes it?" asks what causes his delirium, and "mum has myeloma ... what the risks are" the risks of her
    transplant."""
    mum = small.understand("my mum had breast cancer at 50, what are the risk factors and am I high risk?")
    assert mum.family_terms
    assert not small.understand("the nurse said my grandad who has advanced cancer has delirium. what does that "
                                "mean and what causes it?").family_terms
    transplant = small.understand("mum has myeloma and they want a stem cell transplant, what are the risks?")
    assert not transplant.family_terms


def test_watchful_waiting_and_keeping_an_eye_out_name_their_topics_not_the_aspect(small):
    assert "watch" in small.understand("CLL - is watchful waiting really a treatment?").focus
    assert "eye" not in small.understand("what should we keep an eye out for with his PICC line?").focus


def test_the_question_clause_leaves_out_the_story_before_it():
    from service.answer.understand import question_clause

    assert question_clause("chemo has given me the runs, what should I be eating and drinking?") == \
        "what should I be eating and drinking?"
    assert question_clause("could the treatment cause problems later on, like with her heart or growth?") == \
        "could the treatment cause problems later on, like with her heart or growth?"
    assert question_clause("MEN2 syndrome in children - does my son need his thyroid removed?") == \
        "does my son need his thyroid removed?"
    # no question mark: a clause that opens with a question word or says it asks
    assert question_clause("I don't understand why") == "I don't understand why"
    assert question_clause("can't get it up since my op, will it ever come back and what can be done") == \
        "what can be done"  # the last clause that asks
    assert question_clause("had my op last week and the wound is healing well") == ""
    # the clauses before it, when it names nothing ("and" starts a clause too)
    story = "it turned out to be a sarcoma and now they want radiotherapy before the surgery and I don't understand why"
    assert question_clause(story, 1) == "now they want radiotherapy before the surgery and I don't understand why"
    assert question_clause("my mum has breast cancer and what are the side effects?") == "what are the side effects?"


def test_what_the_question_itself_names_is_told_from_the_story_around_it(small):
    """The focus terms of the question's own clause, reaching back over "I don't understand why" to the clause
    that says what is meant; the lump and the thigh are the story."""
    query = small.understand("I had a lump on my thigh that I thought was a pulled muscle, it turned out to be a "
                             "sarcoma and now they want to do radiotherapy before the surgery and I don't "
                             "understand why")
    analyzer = small.index.analyzer
    assert {analyzer.term("radiotherapy"), analyzer.term("surgery")} <= query.asked_focus
    assert not {analyzer.term("lump"), analyzer.term("thigh"), analyzer.term("muscle")} & query.asked_focus


def test_what_the_writer_asks_beyond_is_read(small):
    """"apart from wilms", and the lump told before "what other signs?": sentences about them are not what was
    asked (`Query.known_terms`), with the library's words read from them."""
    query = small.understand("what kinds of kidney cancer do children get apart from wilms?")
    term = small.index.analyzer.term
    assert term("wilms") in query.known_terms
    query = small.understand("found a lump in my breast. what other signs of breast cancer should I look for?")
    assert term("lump") in query.known_terms
    assert term("breast") not in query.known_terms  # asked about in the question itself
    assert not small.understand("what are the signs of breast cancer?").known_terms


def test_a_question_asked_after_the_last_question_mark_is_read():
    from service.answer.understand import unmarked_tail

    assert unmarked_tail("what counts as a clear liquid diet? is jelly and brothe ok") == "is jelly and brothe ok"
    assert unmarked_tail("what counts as a clear liquid diet? thanks so much.") == ""
    assert unmarked_tail("is jelly ok") == ""  # no question mark at all: the whole message is the question


@pytest.mark.parametrize("message, whose", [
    ("my leg has gone swollen and hot since the op", "self"),
    ("i keep getting headaches in the morning", "self"),
    ("theres a lump in my neck, could it be lymphoma?", "self"),  # a worry, asked: not what it is
    ("im up all night for a wee and my husband says its prostate cancer", "self"),  # a guess, told
    ("my dad has a cough that won't go away", "other"),
    ("my 15 year old found a lump in her breast, is that cancer?", "other"),
    ("my son has a lump that turned out to be a sarcoma, how is it treated?", None),  # what it is, told
    ("she had a lump in her neck and its thyroid cancer", None),
    ("our daughter has a lump in her neck and its thyroid cancer, how will it be treated?", None),  # asked after
    ("ive got bone pain from the cancer, should i put up with it?", "self"),  # the cancer named, not as what it is
    ("my husband had a lump for a year. It has now been found to be a cancer.", None),  # ... in the next sentence
    ("blood in my wee, the GP has referred me to urology", None),  # being checked
    ("what are the symptoms of bowel cancer?", None),  # nobody's symptom
    ("do people with myeloma get back pain?", None),
    ("my mum has breast cancer, what happens now?", None),
    ("I'm exhausted looking after my husband", None),  # tiredness is as often a feeling
])
def test_a_symptom_told_is_read_with_whose_it_is(message, whose):
    assert default_context_words().whose_symptom(fold(message)) == whose


def test_get_it_checked_with_a_symptom_told_asks_about_the_signs_not_the_tests(small):
    """"up at night for a wee, weak flow, do I need to get it checked?": whether the symptom may be the disease,
    answered by its signs (and what else they may mean); the tests are asked for by name."""
    signs = small.understand("im up 3 times a night for a wee and the flow is weak, do I need to get it checked?")
    assert signs.context.symptom == "self" and signs.aspect is not None and signs.aspect.name == "symptoms"
    tests = small.understand("im up 3 times a night for a wee, what tests will they do to get it checked?")
    assert tests.aspect is not None and tests.aspect.name == "diagnosis"
    nobody = small.understand("how do doctors check for prostate cancer?")
    assert nobody.aspect is not None and nobody.aspect.name == "diagnosis"


@pytest.mark.kb
def test_a_like_compound_names_the_topic_as_its_first_word_would(kb):
    """"flu-like symptoms" is the topic of the page "Flu Symptoms and Cancer Treatment", as "flu symptoms" is: its
    "symptoms" names the topic, it does not ask for a list of signs."""
    for message in ("flu-like symptoms after treatment", "flu symptoms after chemo"):
        query = kb.understand(message)
        assert query.aspect is None or query.aspect.name != "symptoms", message


def test_whose_body_is_read_from_its_words(small):
    assert small.understand("can I freeze sperm before chemo?").context.sex == "male"
    assert small.understand("will my periods come back after chemo?").context.sex == "female"
    assert small.understand("will chemo affect my fertility?").context.sex is None
    assert small.understand("sperm or eggs, which can be frozen?").context.sex is None  # both: neither


def test_feeling_alone_is_a_feeling_but_living_alone_is_not(small):
    assert small.understand("I feel so alone and isolated since my diagnosis").context.feelings == ["alone", "isolated"]
    assert small.understand("I live alone, who will help me after surgery?").context.feelings == []


def test_low_in_a_feeling_phrase_tells_the_feeling_and_is_no_topic(small):
    """"I feel so low" and "really down and low" (overlapping phrases) tell sadness; "low" is then not a topic word.
    "my platelets are really low" tells no feeling, and "low" stays."""
    for message in ("I feel so low since my diagnosis", "really down and low since chemo"):
        query = small.understand(message)
        assert query.context.feeling_names == ["sadness"], query.context
        assert "low" not in query.focus, query.focus
    query = small.understand("my platelets are really low, what should I watch for")
    assert query.context.feelings == []
    assert "low" in query.focus, query.focus


@pytest.mark.parametrize("message", ["my wife has been really depressed since her mastectomy, how can I support her?",
                                     "my dad is scared of dying, how can we best help him?"])
def test_how_can_i_support_someone_asks_what_helps(small, message):
    assert small.understand(message).aspect.name == "self_care"


def test_a_feeling_is_read_past_how_much_is_said(small):
    """"feeling a bit flat", "feel like a burden": the feeling phrases are matched without the words of degree, and
    their everyday words ("flat", "burden") are no topic."""
    query = small.understand("feeling a bit flat since finishing radiotherapy, is that normal")
    assert query.context.feeling_names == ["sadness"] and "flat" not in query.focus
    assert query.asks_about_feeling  # asked with no mark, after what the feeling is blamed on
    query = small.understand("i feel like a burden on my family")
    assert "guilt" in query.context.feeling_names and "burden" not in query.focus


@pytest.mark.parametrize("message, nothing", [
    ("scared about my mastectomy next week", True),
    ("my daughter has leukaemia and i feel so guilty", True),
    ("we are really worried how can we get more calories into him", False),  # a question in a run, no mark
    ("I'm scared, what are the side effects of chemo?", False),
    ("scared, chemo side effects", False),  # an aspect named
])
def test_a_statement_asks_nothing(small, message, nothing):
    assert small.understand(message).asks_nothing is nothing


def test_passed_on_asks_about_inheritance(small):
    assert small.understand("can breast cancer be passed on to my daughter?").aspect.name == "causes"
