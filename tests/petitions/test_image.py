"""A petition's image: re-encoded without the camera's metadata, described for screen readers."""

import io

from PIL import Image
from sqlalchemy import select

from campaign.petitions.models import PetitionImage
from tests.petitions.conftest import petition_form

GPS_IFD = 0x8825


def photo(size=(2400, 1600), fmt="PNG", with_gps=False) -> io.BytesIO:
    image = Image.new("RGB", size, (200, 40, 40))
    exif = Image.Exif()
    if with_gps:
        exif[0x010F] = "PhoneMaker"  # camera make
        exif.get_ifd(GPS_IFD)[2] = (39.0, 57.0, 12.0)  # latitude
    out = io.BytesIO()
    image.save(out, fmt, exif=exif)
    out.seek(0)
    return out


def edit(client, coalition, petition, **fields):
    return client.post(
        f"/coalitions/{coalition.slug}/petitions/{petition.id}/edit",
        data=petition_form(**fields),
        content_type="multipart/form-data",
    )


def test_an_uploaded_photo_is_shrunk_stripped_of_its_metadata_and_described(
    client, coalition, make_petition, db
):
    petition = make_petition()
    response = edit(
        client,
        coalition,
        petition,
        image=(photo(fmt="JPEG", with_gps=True), "rally.jpg"),
        image_alt="Families marching outside City Hall",
        image_alt_es="Familias marchando frente al Ayuntamiento",
    )
    assert response.status_code == 302
    db.session.refresh(petition)
    assert (petition.image_width, petition.image_height) == (1200, 800)

    served = client.get(f"/petitions/images/{petition.image_key}.jpg")
    assert served.mimetype == "image/jpeg"
    assert "immutable" in served.headers["Cache-Control"]
    with Image.open(io.BytesIO(served.data)) as stored:
        assert stored.size == (1200, 800)
        assert not stored.getexif()  # no camera, no GPS position

    page = client.get(f"/petitions/{petition.slug}").get_data(as_text=True)
    assert 'alt="Families marching outside City Hall"' in page
    assert f'property="og:image" content="http://localhost/petitions/images/{petition.image_key}.jpg"' in page
    assert 'content="summary_large_image"' in page
    client.get("/language/es")
    assert 'alt="Familias marchando frente al Ayuntamiento"' in client.get(
        f"/petitions/{petition.slug}"
    ).get_data(as_text=True)


def test_a_new_image_replaces_the_old_one_and_removing_it_leaves_none(client, coalition, make_petition, db):
    petition = make_petition()
    edit(client, coalition, petition, image=(photo(), "a.png"), image_alt="First")
    db.session.refresh(petition)
    first_key = petition.image_key
    edit(client, coalition, petition, image=(photo(fmt="WEBP"), "b.webp"), image_alt="Second")
    db.session.refresh(petition)
    assert petition.image_key != first_key
    assert client.get(f"/petitions/images/{first_key}.jpg").status_code == 404

    edit(client, coalition, petition, image_alt="Second", remove_image="y")
    db.session.refresh(petition)
    assert petition.image_key is None
    assert db.session.scalar(select(PetitionImage.key)) is None
    assert "petition-image" not in client.get(f"/petitions/{petition.slug}").get_data(as_text=True)


def test_bad_images_are_answered_and_nothing_is_lost(client, coalition, make_petition, db):
    petition = make_petition()
    not_an_image = edit(
        client,
        coalition,
        petition,
        title="A better title",
        image=(io.BytesIO(b"%PDF-1.4 not a photo"), "flyer.jpg"),
        image_alt="Flyer",
    )
    assert not_an_image.status_code == 200
    text = not_an_image.get_data(as_text=True)
    assert "Choose a JPEG, PNG or WebP image." in text
    assert 'value="A better title"' in text  # what was typed stays
    db.session.refresh(petition)
    assert petition.title == "End ICE detainers in Philadelphia" and petition.image_key is None

    undescribed = edit(client, coalition, petition, image=(photo(), "a.png"), image_alt="")
    assert "Describe the image for people who cannot see it." in undescribed.get_data(as_text=True)

    other_error = edit(client, coalition, petition, title="", image=(photo(), "a.png"), image_alt="A rally")
    assert "Choose the image again" in other_error.get_data(as_text=True)
    db.session.refresh(petition)
    assert petition.image_key is None


def test_an_upload_over_the_size_limit_gets_a_page_saying_so(client, coalition, make_petition):
    petition = make_petition()
    huge = io.BytesIO(b"\0" * (10 * 1024 * 1024))
    response = edit(client, coalition, petition, image=(huge, "huge.jpg"), image_alt="Huge")
    assert response.status_code == 413
    assert "under 8 MB" in response.get_data(as_text=True)
