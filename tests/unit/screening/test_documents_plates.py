"""Document numbers and vehicle plates."""

from borderpost.plates import normalise_plate
from borderpost.screening.matcher import DocumentIndex, PlateIndex, normalise_document_number


def test_document_number_normalisation() -> None:
    assert normalise_document_number("ab 12-34<o5") == "AB123405"
    assert normalise_document_number("AB1234O5") == normalise_document_number("AB123405")
    assert normalise_document_number("C01X00T47<") == "C01X00T47"


def test_document_search_with_issuer() -> None:
    d = DocumentIndex()
    d.add("E1", "C01X00T47", "DEU")
    d.add("E2", "C01X0OT47", "FRA")
    d.add("E3", "C01X00T47")
    d.add("E4", "999")
    hits = d.search("c01x-00t47", "D")
    assert [(h.entry_id, h.score) for h in hits] == [("E1", 1.0), ("E3", 0.9), ("E2", 0.6)]
    assert "issuer DE equal" in hits[0].explanation
    assert "O/0" in hits[0].explanation[0]
    assert "differs" in hits[2].explanation[1]
    assert d.search("C01X00T48", "DE") == []
    assert len(d) == 4


def test_plate_normalisation_across_cyrillic_lookalikes() -> None:
    assert normalise_plate("А 123 ВС-77") == "A123BC77"
    assert normalise_plate("а123вс77") == "A123BC77"
    assert normalise_plate("Х 001 ТУ") == "X001TY"
    assert normalise_plate("K-777-MH") == "K777MH"


def test_plate_exact_match() -> None:
    p = PlateIndex()
    p.add("E1", "А 123 ВС 77")  # Cyrillic
    hits = p.search("A123BC77")  # Latin
    assert [(h.entry_id, h.score) for h in hits] == [("E1", 1.0)]
    assert "look-alikes" in hits[0].explanation[0]


def test_plate_ocr_confusions_and_one_edit() -> None:
    p = PlateIndex()
    p.add("OCR", "AB123CD")
    p.add("EDIT", "AB124CD")
    p.add("FAR", "ZZ999ZZ")
    hits = {h.entry_id: h for h in p.search("A8I23CD")}  # B->8, 1->I
    assert hits["OCR"].score == 0.88
    assert "8/B at position 2" in hits["OCR"].explanation[0]
    assert "1/I at position 3" in hits["OCR"].explanation[0]
    assert "FAR" not in hits
    one = {h.entry_id: h for h in p.search("AB123CD")}
    assert one["OCR"].score == 1.0
    assert one["EDIT"].score == 0.75
    assert "one character differs (replace at position 5)" in one["EDIT"].explanation[0]
    ins = {h.entry_id: h.score for h in p.search("AB123CDX")}
    assert ins["OCR"] == 0.75
    both = {h.entry_id: h.score for h in p.search("A8124CD")}  # OCR and one edit from OCR
    assert both["EDIT"] == 0.90
    assert both["OCR"] == 0.70
    s0 = {h.entry_id: h.score for h in p.search("0B123CD")}  # 0 vs A is not an OCR pair
    assert s0["OCR"] == 0.75
