"""What the real S3 test service (SeaweedFS) enforces, established with boto3.

Each test states one behaviour the S3 catalogue may rely on, or documents one it may
not. The findings table in infra/seaweedfs/README.md summarises them; keep the two in step.
"""

from __future__ import annotations

import base64
import hashlib
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from botocore import UNSIGNED
from botocore.exceptions import ClientError, EndpointConnectionError

from infra.seaweedfs.seaweedfs_service import S3Identity, SeaweedFSService

pytestmark = pytest.mark.integration

MIB = 1024 * 1024
PART_SIZE = 5 * MIB  # S3's minimum for every part but the last


def refusal(call: Callable[[], Any]) -> tuple[str, int]:
    """Run a call that must fail; return the S3 error code and HTTP status it failed with."""
    with pytest.raises(ClientError) as caught:
        call()
    response = caught.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"]


def sha256_b64(data: bytes) -> str:
    return base64.b64encode(hashlib.sha256(data).digest()).decode()


def unique(prefix: str) -> str:
    """A key prefix no other test uses (the bucket is shared by the session)."""
    return f"{prefix}/probe-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def admin(s3_service: SeaweedFSService) -> Any:
    return s3_service.client()


@pytest.fixture
def bucket(s3_service: SeaweedFSService) -> str:
    return s3_service.bucket


# --------------------------------------------------------------------- conditional writes


def test_put_with_if_none_match_refuses_an_existing_key(admin: Any, bucket: str) -> None:
    key = unique("conditional") + "/manifest.sig"
    admin.put_object(Bucket=bucket, Key=key, Body=b"first", IfNoneMatch="*")

    assert refusal(
        lambda: admin.put_object(Bucket=bucket, Key=key, Body=b"second", IfNoneMatch="*")
    ) == ("PreconditionFailed", 412)
    assert admin.get_object(Bucket=bucket, Key=key)["Body"].read() == b"first"


def test_put_with_if_match_refuses_a_stale_etag(admin: Any, bucket: str) -> None:
    key = unique("conditional") + "/catalog.json"
    stale = admin.put_object(Bucket=bucket, Key=key, Body=b"v1")["ETag"]
    current = admin.put_object(Bucket=bucket, Key=key, Body=b"v2", IfMatch=stale)["ETag"]

    assert refusal(lambda: admin.put_object(Bucket=bucket, Key=key, Body=b"v3", IfMatch=stale)) == (
        "PreconditionFailed",
        412,
    )
    admin.put_object(Bucket=bucket, Key=key, Body=b"v3", IfMatch=current)
    assert admin.get_object(Bucket=bucket, Key=key)["Body"].read() == b"v3"


def test_put_with_if_match_refuses_a_missing_key(admin: Any, bucket: str) -> None:
    key = unique("conditional") + "/absent.json"
    # Documented difference: AWS answers 404 NoSuchKey here; SeaweedFS 4.48 answers 412.
    assert refusal(
        lambda: admin.put_object(Bucket=bucket, Key=key, Body=b"x", IfMatch='"0123abcd"')
    ) == ("PreconditionFailed", 412)
    assert refusal(lambda: admin.head_object(Bucket=bucket, Key=key)) == ("404", 404)


# --------------------------------------------------------------------- checksums, multipart


def test_put_refuses_a_wrong_sha256_checksum(admin: Any, bucket: str) -> None:
    key = unique("checksum") + "/data.csv"
    assert refusal(
        lambda: admin.put_object(
            Bucket=bucket, Key=key, Body=b"a,b\n1,2\n", ChecksumSHA256=sha256_b64(b"other")
        )
    ) == ("BadDigest", 400)
    assert refusal(lambda: admin.head_object(Bucket=bucket, Key=key)) == ("404", 404)


def test_multipart_upload_with_sha256_checks_each_part(admin: Any, bucket: str) -> None:
    key = unique("multipart") + "/data/big.csv"
    parts_data = [b"a" * PART_SIZE, b"b" * 1000]
    upload = admin.create_multipart_upload(Bucket=bucket, Key=key, ChecksumAlgorithm="SHA256")
    assert upload["ChecksumAlgorithm"] == "SHA256"
    upload_id = upload["UploadId"]

    assert refusal(
        lambda: admin.upload_part(
            Bucket=bucket,
            Key=key,
            UploadId=upload_id,
            PartNumber=2,
            Body=parts_data[1],
            ChecksumSHA256=sha256_b64(b"not this part"),
        )
    ) == ("BadDigest", 400)

    parts = []
    for number, data in enumerate(parts_data, start=1):
        answer = admin.upload_part(
            Bucket=bucket,
            Key=key,
            UploadId=upload_id,
            PartNumber=number,
            Body=data,
            ChecksumSHA256=sha256_b64(data),
        )
        assert answer["ChecksumSHA256"] == sha256_b64(data)
        parts.append(
            {"PartNumber": number, "ETag": answer["ETag"], "ChecksumSHA256": sha256_b64(data)}
        )

    listed = admin.list_parts(Bucket=bucket, Key=key, UploadId=upload_id)["Parts"]
    assert [(p["PartNumber"], p["Size"]) for p in listed] == [(1, PART_SIZE), (2, 1000)]
    # Documented gap: ListParts does not return the per-part checksums in SeaweedFS 4.48,
    # so a resumed upload must keep its own record of them.
    assert all("ChecksumSHA256" not in p for p in listed)

    done = admin.complete_multipart_upload(
        Bucket=bucket, Key=key, UploadId=upload_id, MultipartUpload={"Parts": parts}
    )
    composite = hashlib.sha256(
        b"".join(hashlib.sha256(data).digest() for data in parts_data)
    ).digest()
    expected = f"{base64.b64encode(composite).decode()}-{len(parts_data)}"
    assert done["ChecksumSHA256"] == expected
    head = admin.head_object(Bucket=bucket, Key=key, ChecksumMode="ENABLED")
    assert head["ContentLength"] == sum(map(len, parts_data))
    assert head["ChecksumSHA256"] == expected


def _one_part_upload(client: Any, bucket: str, key: str, data: bytes) -> tuple[str, list[Any]]:
    upload_id = client.create_multipart_upload(Bucket=bucket, Key=key, ChecksumAlgorithm="SHA256")[
        "UploadId"
    ]
    etag = client.upload_part(
        Bucket=bucket,
        Key=key,
        UploadId=upload_id,
        PartNumber=1,
        Body=data,
        ChecksumSHA256=sha256_b64(data),
    )["ETag"]
    return upload_id, [{"PartNumber": 1, "ETag": etag, "ChecksumSHA256": sha256_b64(data)}]


def test_complete_multipart_with_if_none_match_refuses_an_existing_key(
    admin: Any, bucket: str
) -> None:
    key = unique("multipart") + "/data/once.csv"
    upload_id, parts = _one_part_upload(admin, bucket, key, b"first")
    admin.complete_multipart_upload(
        Bucket=bucket,
        Key=key,
        UploadId=upload_id,
        MultipartUpload={"Parts": parts},
        IfNoneMatch="*",
    )

    upload_id, parts = _one_part_upload(admin, bucket, key, b"second")
    assert refusal(
        lambda: admin.complete_multipart_upload(
            Bucket=bucket,
            Key=key,
            UploadId=upload_id,
            MultipartUpload={"Parts": parts},
            IfNoneMatch="*",
        )
    ) == ("PreconditionFailed", 412)
    assert admin.get_object(Bucket=bucket, Key=key)["Body"].read() == b"first"
    admin.abort_multipart_upload(Bucket=bucket, Key=key, UploadId=upload_id)


def test_unfinished_uploads_are_listed_and_can_be_aborted(admin: Any, bucket: str) -> None:
    prefix = unique("multipart")
    key = prefix + "/data/abandoned.csv"
    upload_id, _ = _one_part_upload(admin, bucket, key, b"half")

    listed = admin.list_multipart_uploads(Bucket=bucket, Prefix=prefix + "/")
    assert [(u["Key"], u["UploadId"]) for u in listed.get("Uploads", [])] == [(key, upload_id)]

    admin.abort_multipart_upload(Bucket=bucket, Key=key, UploadId=upload_id)
    assert admin.list_multipart_uploads(Bucket=bucket, Prefix=prefix + "/").get("Uploads") in (
        None,
        [],
    )
    assert refusal(lambda: admin.head_object(Bucket=bucket, Key=key)) == ("404", 404)
    code, status = refusal(
        lambda: admin.upload_part(
            Bucket=bucket, Key=key, UploadId=upload_id, PartNumber=2, Body=b"late"
        )
    )
    assert (code, status) == ("NoSuchUpload", 404)


def test_deleting_the_last_object_leaves_its_folder_listed(admin: Any, bucket: str) -> None:
    prefix = unique("folders")
    key = prefix + "/1.0.0/manifest.json"
    admin.put_object(Bucket=bucket, Key=key, Body=b"{}")
    admin.delete_object(Bucket=bucket, Key=key)

    assert "Contents" not in admin.list_objects_v2(Bucket=bucket, Prefix=prefix + "/")
    # Documented difference from AWS: SeaweedFS keeps the emptied folder, and a listing
    # with a delimiter still shows it as a common prefix (AWS would show nothing).
    by_folder = admin.list_objects_v2(Bucket=bucket, Prefix=prefix + "/", Delimiter="/")
    assert by_folder.get("CommonPrefixes") == [{"Prefix": prefix + "/1.0.0/"}]


# --------------------------------------------------------------------- versioning


def test_bucket_versioning_keeps_every_version(admin: Any) -> None:
    bucket = f"cdx-versioned-{uuid.uuid4().hex[:8]}"
    admin.create_bucket(Bucket=bucket)
    assert "Status" not in admin.get_bucket_versioning(Bucket=bucket)
    admin.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    assert admin.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"

    first = admin.put_object(Bucket=bucket, Key="catalog.json", Body=b"one")["VersionId"]
    second = admin.put_object(Bucket=bucket, Key="catalog.json", Body=b"two")["VersionId"]
    assert first != second

    versions = admin.list_object_versions(Bucket=bucket, Prefix="catalog.json")["Versions"]
    assert {v["VersionId"]: v["IsLatest"] for v in versions} == {first: False, second: True}
    old = admin.get_object(Bucket=bucket, Key="catalog.json", VersionId=first)
    assert old["Body"].read() == b"one"
    assert admin.get_object(Bucket=bucket, Key="catalog.json")["Body"].read() == b"two"


# --------------------------------------------------------------------- identities


def test_a_coalition_writes_reads_and_lists_only_under_its_own_prefix(
    s3_service: SeaweedFSService, bucket: str
) -> None:
    kenya = s3_service.client(s3_service.coalition("kenya-lnob"))
    own = unique("kenya-lnob") + "/health/1.0.0/datapackage.json"
    kenya.put_object(Bucket=bucket, Key=own, Body=b"{}")
    assert kenya.get_object(Bucket=bucket, Key=own)["Body"].read() == b"{}"
    listed = kenya.list_objects_v2(Bucket=bucket, Prefix="kenya-lnob/")["Contents"]
    assert own in {o["Key"] for o in listed}
    upload_id, parts = _one_part_upload(kenya, bucket, own + ".mp", b"part")
    kenya.complete_multipart_upload(
        Bucket=bucket, Key=own + ".mp", UploadId=upload_id, MultipartUpload={"Parts": parts}
    )
    kenya.delete_object(Bucket=bucket, Key=own + ".mp")

    nepal = s3_service.client(s3_service.coalition("nepal-cso"))
    theirs = unique("nepal-cso") + "/water/1.0.0/datapackage.json"
    nepal.put_object(Bucket=bucket, Key=theirs, Body=b"{}")

    denied = ("AccessDenied", 403)
    assert refusal(lambda: kenya.put_object(Bucket=bucket, Key=theirs, Body=b"x")) == denied
    assert refusal(lambda: kenya.get_object(Bucket=bucket, Key=theirs)) == denied
    assert refusal(lambda: kenya.delete_object(Bucket=bucket, Key=theirs)) == denied
    assert (
        refusal(lambda: kenya.create_multipart_upload(Bucket=bucket, Key=theirs + ".mp")) == denied
    )
    assert refusal(lambda: kenya.list_objects_v2(Bucket=bucket, Prefix="nepal-cso/")) == denied
    assert refusal(lambda: kenya.list_objects_v2(Bucket=bucket)) == denied
    assert refusal(lambda: kenya.put_object(Bucket=bucket, Key="catalog.json", Body=b"x")) == (
        denied
    )
    # The grant ends in "/", so a look-alike coalition id is another coalition.
    assert (
        refusal(lambda: kenya.put_object(Bucket=bucket, Key="kenya-lnob-2/x.json", Body=b"x"))
        == denied
    )
    assert refusal(lambda: kenya.create_bucket(Bucket="kenya-own-bucket")) == denied
    assert nepal.get_object(Bucket=bucket, Key=theirs)["Body"].read() == b"{}"


def test_the_statistics_office_reads_and_lists_but_cannot_write(
    s3_service: SeaweedFSService, admin: Any, bucket: str
) -> None:
    key = unique("kenya-lnob") + "/health/1.0.0/manifest.json"
    admin.put_object(Bucket=bucket, Key=key, Body=b"{}")
    office = s3_service.client(s3_service.statistics_office)

    assert office.get_object(Bucket=bucket, Key=key)["Body"].read() == b"{}"
    assert key in {o["Key"] for o in office.list_objects_v2(Bucket=bucket)["Contents"]}
    denied = ("AccessDenied", 403)
    assert refusal(lambda: office.put_object(Bucket=bucket, Key=key, Body=b"x")) == denied
    assert refusal(lambda: office.put_object(Bucket=bucket, Key="new.json", Body=b"x")) == denied
    assert refusal(lambda: office.delete_object(Bucket=bucket, Key=key)) == denied
    assert refusal(lambda: office.create_multipart_upload(Bucket=bucket, Key="mp.bin")) == denied
    assert admin.get_object(Bucket=bucket, Key=key)["Body"].read() == b"{}"


def test_wrong_credentials_are_refused(s3_service: SeaweedFSService, bucket: str) -> None:
    admin = s3_service.admin
    wrong_secret = S3Identity("admin", admin.access_key_id, "not-the-secret", ())
    unknown_key = S3Identity("nobody", "NOBODYKEY0000", admin.secret_access_key, ())

    assert refusal(lambda: s3_service.client(wrong_secret).list_objects_v2(Bucket=bucket)) == (
        "SignatureDoesNotMatch",
        403,
    )
    assert refusal(lambda: s3_service.client(unknown_key).list_objects_v2(Bucket=bucket)) == (
        "InvalidAccessKeyId",
        403,
    )
    anonymous = s3_service.client(signature_version=UNSIGNED)
    assert refusal(lambda: anonymous.list_objects_v2(Bucket=bucket)) == ("AccessDenied", 403)


def test_a_missing_bucket_is_no_such_bucket(admin: Any) -> None:
    missing = f"cdx-missing-{uuid.uuid4().hex[:8]}"
    assert refusal(lambda: admin.list_objects_v2(Bucket=missing)) == ("NoSuchBucket", 404)
    assert refusal(lambda: admin.get_object(Bucket=missing, Key="a")) == ("NoSuchBucket", 404)
    # The service runs with -s3.autoCreateBucket=false; by default an admin PutObject
    # would silently create the bucket.
    assert refusal(lambda: admin.put_object(Bucket=missing, Key="a", Body=b"x")) == (
        "NoSuchBucket",
        404,
    )


# --------------------------------------------------------------------- stop and restart


def test_objects_survive_a_graceful_restart(s3_service: SeaweedFSService, bucket: str) -> None:
    key = unique("restart") + "/kept.json"
    s3_service.client().put_object(Bucket=bucket, Key=key, Body=b"kept")

    with s3_service.server_stopped():
        assert not s3_service.is_running
        with pytest.raises(EndpointConnectionError):
            s3_service.client(connect_timeout=1).head_bucket(Bucket=bucket)
    assert s3_service.last_shutdown_s is not None
    assert s3_service.last_shutdown_s < s3_service.stop_grace_s + 5

    assert s3_service.client().get_object(Bucket=bucket, Key=key)["Body"].read() == b"kept"


def test_a_multipart_upload_survives_a_crash_mid_upload(
    s3_service: SeaweedFSService, bucket: str
) -> None:
    prefix = unique("restart")
    key = prefix + "/data/big.csv"
    first, second = b"x" * PART_SIZE, b"tail"
    admin = s3_service.client()
    upload_id = admin.create_multipart_upload(Bucket=bucket, Key=key, ChecksumAlgorithm="SHA256")[
        "UploadId"
    ]
    etag1 = admin.upload_part(
        Bucket=bucket,
        Key=key,
        UploadId=upload_id,
        PartNumber=1,
        Body=first,
        ChecksumSHA256=sha256_b64(first),
    )["ETag"]

    with s3_service.server_stopped(kill=True), pytest.raises(EndpointConnectionError):
        admin.upload_part(
            Bucket=bucket,
            Key=key,
            UploadId=upload_id,
            PartNumber=2,
            Body=second,
            ChecksumSHA256=sha256_b64(second),
        )

    admin = s3_service.client()
    uploads = admin.list_multipart_uploads(Bucket=bucket, Prefix=prefix + "/")["Uploads"]
    assert [u["UploadId"] for u in uploads] == [upload_id]
    etag2 = admin.upload_part(
        Bucket=bucket,
        Key=key,
        UploadId=upload_id,
        PartNumber=2,
        Body=second,
        ChecksumSHA256=sha256_b64(second),
    )["ETag"]
    admin.complete_multipart_upload(
        Bucket=bucket,
        Key=key,
        UploadId=upload_id,
        MultipartUpload={
            "Parts": [
                {"PartNumber": 1, "ETag": etag1, "ChecksumSHA256": sha256_b64(first)},
                {"PartNumber": 2, "ETag": etag2, "ChecksumSHA256": sha256_b64(second)},
            ]
        },
    )
    assert admin.head_object(Bucket=bucket, Key=key)["ContentLength"] == PART_SIZE + 4
