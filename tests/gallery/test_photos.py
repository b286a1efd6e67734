"""Profile photos: what an upload must be, what is stored (re-encoded, without metadata), who
may change it, where it shows, and that replacing, removing and erasing leave no file behind."""

import io
import struct
import zlib
from pathlib import Path
from typing import Any, cast

import pytest
from django.test import Client
from PIL import Image
from rest_framework.test import APIClient

from accounts.privacy import erasure_steps
from gallery import services
from gallery.demo_photos import demo_photos_seed
from gallery.models import ProfilePhoto, WitnessProfile
from gallery.photos import photo_path
from tests.factories import UserFactory, make_witness

pytestmark = pytest.mark.django_db

URL = "/api/profiles/me/photo/"
GPS_IFD = 0x8825


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    """Every test stores its files in a folder of its own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    services.taxonomy_sync()
    return Path(settings.MEDIA_ROOT)


def stored_files(media: Path) -> list[Path]:
    return sorted(path for path in media.rglob("*") if path.is_file())


def jpeg_with_gps(width: int = 900, height: int = 600, orientation: int = 1) -> bytes:
    """A real JPEG carrying a GPS position and a camera make in its EXIF."""
    image = Image.new("RGB", (width, height), (200, 40, 40))
    # The left third blue: after rotation by EXIF orientation 6 it becomes the top.
    image.paste((20, 40, 220), (0, 0, width // 3, height))
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"  # Make
    exif[0x0112] = orientation
    exif[GPS_IFD] = {1: "N", 2: (50.0, 50.0, 0.0), 3: "E", 4: (4.0, 21.0, 0.0)}
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes(), quality=90)
    return out.getvalue()


def png_bomb(width: int = 20000, height: int = 20000) -> bytes:
    """A valid PNG header claiming huge dimensions, with a tiny (truncated) data stream."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = zlib.compress(b"\x00" * 1024, 9)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")
    )


def upload(client: APIClient, content: bytes, name: str = "me.jpg") -> Any:
    return client.put(URL, {"photo": (io.BytesIO(content), name)}, format="multipart")


def put_file(client: APIClient, content: bytes, name: str) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    # In English: the assertions below read the messages (the site's default is French).
    return client.put(
        URL,
        {"photo": SimpleUploadedFile(name, content, "image/jpeg")},
        format="multipart",
        HTTP_ACCEPT_LANGUAGE="en",
    )


@pytest.fixture
def pro_client(professional: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(professional)
    return client


def test_upload_stores_a_reencoded_square_without_exif(
    pro_client: APIClient, professional: Any, media: Path, django_capture_on_commit_callbacks: Any
) -> None:
    original = jpeg_with_gps(orientation=6)
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(GPS_IFD)  # the control: GPS is in

    response = put_file(pro_client, original, "holiday.jpg")

    assert response.status_code == 200, response.content
    photo = ProfilePhoto.objects.get(user=professional)
    assert response.json() == {
        "photo": f"/media/photos/{photo.key}-512.webp",
        "photo_small": f"/media/photos/{photo.key}-96.webp",
    }
    large = Image.open(media / photo_path(photo.key, 512))
    assert (large.format, large.size) == ("WEBP", (512, 512))
    assert not large.getexif()
    assert "exif" not in large.info and "xmp" not in large.info
    assert b"SpyCam" not in (media / photo_path(photo.key, 512)).read_bytes()
    # EXIF orientation 6 (rotate 90° clockwise): the blue left third is now at the top.
    top = large.convert("RGB").getpixel((256, 20))
    bottom = large.convert("RGB").getpixel((256, 500))
    assert isinstance(top, tuple) and isinstance(bottom, tuple)
    assert top[2] > 150 > top[0], top
    assert bottom[0] > 150 > bottom[2], bottom
    small = Image.open(media / photo_path(photo.key, 96))
    assert small.size == (96, 96)


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"Hello, I am a text file pretending to be a picture.\n" * 20, "photo.jpg"),
        (b"GIF89a" + b"\x00" * 200, "anim.gif"),
        (b"", "empty.jpg"),
    ],
    ids=["text-named-jpg", "gif", "empty"],
)
def test_not_a_picture_is_refused_and_nothing_stored(
    pro_client: APIClient, professional: Any, media: Path, content: bytes, name: str
) -> None:
    response = put_file(pro_client, content, name)

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "bad_request"
    assert "photo" in error["fields"]
    assert stored_files(media) == []
    assert not ProfilePhoto.objects.filter(user=professional).exists()


def test_a_gif_that_is_a_real_picture_is_refused(pro_client: APIClient, media: Path) -> None:
    out = io.BytesIO()
    Image.new("RGB", (64, 64), "red").save(out, format="GIF")
    response = put_file(pro_client, out.getvalue(), "me.png")
    assert response.status_code == 400
    assert "JPEG, PNG or WebP" in str(response.json()["error"]["fields"]["photo"])
    assert stored_files(media) == []


def test_too_big_a_file_is_refused_and_nothing_stored(
    pro_client: APIClient, professional: Any, media: Path, settings: Any
) -> None:
    settings.PROFILE_PHOTO_MAX_BYTES = 50_000
    big = jpeg_with_gps(2400, 2400)
    assert len(big) > 50_000
    response = put_file(pro_client, big, "big.jpg")

    assert response.status_code == 400
    assert "too large" in str(response.json()["error"]["fields"]["photo"])
    assert stored_files(media) == []
    assert not ProfilePhoto.objects.filter(user=professional).exists()
    # The control: the same picture passes under a larger limit.
    settings.PROFILE_PHOTO_MAX_BYTES = 5 * 1024 * 1024
    assert put_file(pro_client, big, "big.jpg").status_code == 200


def test_a_png_bomb_is_refused_before_decoding(
    pro_client: APIClient, professional: Any, media: Path
) -> None:
    bomb = png_bomb()
    assert len(bomb) < 5_000
    response = put_file(pro_client, bomb, "tiny.png")

    assert response.status_code == 400
    assert "pixels" in str(response.json()["error"]["fields"]["photo"])
    assert stored_files(media) == []
    assert not ProfilePhoto.objects.filter(user=professional).exists()


def test_replacing_and_removing_delete_the_old_files(
    pro_client: APIClient, professional: Any, media: Path, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        assert put_file(pro_client, jpeg_with_gps(), "a.jpg").status_code == 200
    first = ProfilePhoto.objects.get(user=professional).key
    assert len(stored_files(media)) == 2

    with django_capture_on_commit_callbacks(execute=True):
        assert put_file(pro_client, jpeg_with_gps(300, 300), "b.jpg").status_code == 200
    second = ProfilePhoto.objects.get(user=professional).key
    assert second != first
    names = [path.name for path in stored_files(media)]
    assert names == sorted([f"{second}-512.webp", f"{second}-96.webp"])

    with django_capture_on_commit_callbacks(execute=True):
        assert pro_client.delete(URL).status_code == 204
    assert stored_files(media) == []
    assert not ProfilePhoto.objects.filter(user=professional).exists()


def test_only_professionals_change_their_own_photo(
    professional: Any, student: Any, media: Path
) -> None:
    anonymous = APIClient()
    assert put_file(anonymous, jpeg_with_gps(), "a.jpg").status_code in (401, 403)
    as_student = APIClient()
    as_student.force_authenticate(student)
    assert put_file(as_student, jpeg_with_gps(), "a.jpg").status_code == 403
    assert stored_files(media) == []
    # Another professional's upload changes their photo, never this one's.
    other = UserFactory.create(role="professional", verified=True)
    as_other = APIClient()
    as_other.force_authenticate(other)
    assert put_file(as_other, jpeg_with_gps(), "a.jpg").status_code == 200
    assert ProfilePhoto.objects.filter(user=other).exists()
    assert not ProfilePhoto.objects.filter(user=professional).exists()


def test_card_profile_page_and_api_show_the_photo(
    pro_client: APIClient, professional: Any, student: Any
) -> None:
    profile = make_witness(professional, job_title="Luthière", sector="arts")
    client = Client()
    client.force_login(student)
    page = client.get(f"/explore/{profile.pk}/").content.decode()
    explore = client.get("/explore/").content.decode()
    assert "/media/photos/" not in page + explore  # the control: initials before any photo

    assert put_file(pro_client, jpeg_with_gps(), "me.jpg").status_code == 200
    key = ProfilePhoto.objects.get(user=professional).key
    page = client.get(f"/explore/{profile.pk}/").content.decode()
    explore = client.get("/explore/").content.decode()
    assert f'src="/media/photos/{key}-512.webp"' in page
    assert f'src="/media/photos/{key}-96.webp"' in explore

    api = APIClient()
    api.force_authenticate(student)
    results = api.get("/api/profiles/").json()["results"]
    assert [card["photo"] for card in results] == [f"/media/photos/{key}-512.webp"]
    detail = api.get(f"/api/profiles/{profile.pk}/").json()
    assert detail["photo_small"] == f"/media/photos/{key}-96.webp"

    served = client.get(f"/media/photos/{key}-96.webp")
    assert served.status_code == 200
    assert served["Content-Type"] == "image/webp"
    assert "immutable" in served["Cache-Control"]
    assert Image.open(io.BytesIO(b"".join(cast(Any, served).streaming_content))).size == (96, 96)
    assert Client().get(f"/media/photos/{key}-96.webp").status_code == 404
    assert client.get("/media/photos/..%2Fsecret-96.webp").status_code == 404


def test_the_editor_page_uploads_and_shows_errors(professional: Any, media: Path) -> None:
    client = Client()
    client.force_login(professional)
    bad = io.BytesIO(b"not a picture")
    bad.name = "x.jpg"
    response = client.post("/me/profile/photo/", {"action": "upload", "photo": bad})
    assert response.status_code == 400
    assert "Choose a JPEG, PNG or WebP picture." in response.content.decode() or (
        "JPEG, PNG ou WebP" in response.content.decode()
    )
    assert stored_files(media) == []

    good = io.BytesIO(jpeg_with_gps())
    good.name = "me.jpg"
    response = client.post("/me/profile/photo/", {"action": "upload", "photo": good})
    assert response.status_code == 302
    key = ProfilePhoto.objects.get(user=professional).key
    assert f"/media/photos/{key}-512.webp" in client.get("/me/profile/").content.decode()


def test_erasure_removes_the_photo_and_export_names_it(
    pro_client: APIClient, professional: Any, media: Path, django_capture_on_commit_callbacks: Any
) -> None:
    from gallery.privacy import profile_export

    assert profile_export(professional)["photo"] is None
    assert put_file(pro_client, jpeg_with_gps(), "me.jpg").status_code == 200
    key = ProfilePhoto.objects.get(user=professional).key
    assert profile_export(professional)["photo"] == f"/media/photos/{key}-512.webp"

    steps = dict(erasure_steps())
    with django_capture_on_commit_callbacks(execute=True):
        steps["gallery"](professional)
    assert stored_files(media) == []
    assert not ProfilePhoto.objects.filter(user=professional).exists()


def test_demo_pictures_are_drawn_once(media: Path) -> None:
    users: list[Any] = [
        UserFactory.create(role="professional", verified=True, display_name=f"Demo Person {n}")
        for n in range(3)
    ]
    for user in users:
        make_witness(user, job_title="Demo", sector="health")
    names = [user.username for user in users]
    assert demo_photos_seed(names) == 3
    keys = set(ProfilePhoto.objects.values_list("key", flat=True))
    assert len(stored_files(media)) == 6
    assert demo_photos_seed(names) == 0
    assert set(ProfilePhoto.objects.values_list("key", flat=True)) == keys
    assert WitnessProfile.objects.count() == 3
