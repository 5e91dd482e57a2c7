"""The pictures a rendered face names (``core.text.face_pictures``), as the reviewer asks for them ahead."""

from __future__ import annotations

from studyapp.core.model import Card
from studyapp.core.text.face_pictures import picture_sources
from studyapp.core.text.render import card_faces


def test_each_img_src_once_in_order_entities_decoded() -> None:
    question = "Q <img src=\"a&amp;b.png\"> <IMG alt=x SRC='c d.jpg'> <img src=e.gif>"
    answer = '<img src="a&amp;b.png"><img src="occlusion:q/1/YQ/Yg"><img src="math:abc"><img alt="no source">'
    assert picture_sources(question, answer) == ("a&b.png", "c d.jpg", "e.gif", "occlusion:q/1/YQ/Yg", "math:abc")


def test_text_without_pictures_names_none() -> None:
    assert picture_sources("plain <b>text</b> with src=x.png in it", "") == ()


def test_rendered_faces_of_a_card_name_its_pictures() -> None:
    card = Card(1, 2, 3, 'front <img src="one.png">', 'back <img src="two.jpg">', html=True)
    faces = card_faces(card)
    assert picture_sources(faces.question) == ("one.png",)
    assert picture_sources(faces.revealed_question, faces.answer) == ("one.png", "two.jpg")
