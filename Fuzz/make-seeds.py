#!/usr/bin/env python3
"""Writes the seed corpora under Fuzz/corpus/ from the project's own fixtures and examples.

Run from the repository root: python3 Fuzz/make-seeds.py. Seeds whose names start with
`regression-` are crashing inputs that were fixed; this script never touches them.
"""
import hashlib, io, os, re, tarfile, zipfile, gzip

ROOT = os.getcwd()
FIX = os.path.join(ROOT, "Tests/Fixtures")
OUT = os.path.join(ROOT, "Fuzz/corpus")


def read(path):
    with open(os.path.join(ROOT, path), "rb") as f:
        return f.read()


def put(target, name, data):
    folder = os.path.join(OUT, target)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


def clear(target):
    folder = os.path.join(OUT, target)
    if os.path.isdir(folder):
        for name in os.listdir(folder):
            if not name.startswith("regression-"):
                os.remove(os.path.join(folder, name))


# fuzz-import: the selector byte is the index in ImportTarget.entries (Fuzz/fuzz-import).
source = read("Fuzz/fuzz-import/FuzzImport.swift").decode()
entries = re.findall(r'\("([a-z0-9-]+)", "([^"]+)"\),', source)
index = {(fmt, path): i for i, (fmt, path) in enumerate(entries)}

EML = b"""From: Angry Example <angry@example.net>
To: Dr A Example <reception@practice.example.org>
Subject: =?UTF-8?B?WW91IHdpbGwgcmVncmV0IHRoaXMg8J+YoA==?=
Date: Fri, 20 Nov 2026 21:30:05 +0000
Message-ID: <threat-1@example.net>
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="b1"

--b1
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: quoted-printable

I know where your surgery is. =F0=9F=98=A0
--b1
Content-Type: text/html; charset=iso-8859-1

<p>I know where your surgery is.</p>
--b1--
"""
MBOX = (b"From angry@example.net Fri Nov 20 21:30:05 2026\n" + EML
        + b"\nFrom other@example.net Sat Nov 21 08:00:00 2026\nFrom: other@example.net\n"
        + b"Subject: again\nDate: Sat, 21 Nov 2026 08:00:00 +0000\n\n>From here on\nbody\n")

import_seeds = [
    ("sms-backup", "sms-20261120.xml", "sms-backup/sms-20261120.xml"),
    ("sms-backup", "calls-20261120.xml", "sms-backup/calls-20261120.xml"),
    ("sms-backup", "sms-20261120.xml", "../../examples/exports/sms-20261124080000.xml"),
    ("facebook-html", "messages/inbox/jobloggs_a1b2c3d4e5/message_1.html",
     "facebook-html/2019/messages/inbox/jobloggs_a1b2c3d4e5/message_1.html"),
    ("facebook-html", "your_facebook_activity/messages/message_requests/nightowl_f6g7h8/message_1.html",
     "facebook-html/2025/your_facebook_activity/messages/message_requests/nightowl_f6g7h8/message_1.html"),
    ("instagram-html", "your_instagram_activity/messages/inbox/night.owl.77_17841400000000001/message_1.html",
     "instagram-html/your_instagram_activity/messages/inbox/night.owl.77_17841400000000001/message_1.html"),
    ("telegram-html", "ChatExport_2026-11-20/messages.html", "telegram-html/ChatExport_2026-11-20/messages.html"),
    ("telegram-html", "ChatExport_2026-11-20/messages.html", "telegram-html/ChatExport_2026-11-20/messages2.html"),
    ("wordpress-wxr", "examplepractice.WordPress.2026-11-20.xml", "wordpress-wxr/examplepractice.WordPress.2026-11-20.xml"),
    ("google-voice", "Takeout/Voice/Calls/+15550100123 - Text - 2026-11-20T20_30_05Z.html",
     "google-voice/Takeout/Voice/Calls/+15550100123 - Text - 2026-11-20T20_30_05Z.html"),
    ("google-voice", "Takeout/Voice/Calls/+15550100123 - Text - 2026-11-20T20_30_05Z.html",
     "google-voice/Takeout/Voice/Calls/+15550100123 - Voicemail - 2026-11-21T02_10_00Z.html"),
    ("facebook-json", "your_facebook_activity/messages/inbox/siobhanobriain_99887766/message_1.json",
     "facebook-json/your_facebook_activity/messages/inbox/siobhanobriain_99887766/message_1.json"),
    ("instagram-json", "your_instagram_activity/messages/inbox/night.owl.77_17841400000000001/message_1.json",
     "facebook-json/your_facebook_activity/messages/inbox/siobhanobriain_99887766/message_1.json"),
    ("facebook-comments-json", "your_activity_across_facebook/comments_and_reactions/comments.json",
     "meta-comments/facebook-2024/your_activity_across_facebook/comments_and_reactions/comments.json"),
    ("facebook-comments-json", "your_activity_across_facebook/comments_and_reactions/comments.json",
     "meta-comments/facebook-2019/comments/comments.json"),
    ("instagram-comments-json", "your_instagram_activity/comments/post_comments_1.json",
     "meta-comments/instagram/your_instagram_activity/comments/post_comments_1.json"),
    ("instagram-comments-json", "your_instagram_activity/comments/post_comments_1.json",
     "meta-comments/instagram/your_instagram_activity/comments/reels_comments.json"),
    ("facebook-e2ee-json", "chats/jobloggs_1.json", "meta-comments/facebook-e2ee/chats/jobloggs_1.json"),
    ("telegram-json", "result.json", "telegram-json/full/result.json"),
    ("telegram-json", "result.json", "telegram-json/single/result.json"),
    ("whatsapp-chat", "WhatsApp Chat with Jo Example.txt", "whatsapp/android/WhatsApp Chat with Jo Example.txt"),
    ("whatsapp-chat", "WhatsApp Chat with Jo Example.txt", "whatsapp/us/WhatsApp Chat with Sam Sample.txt"),
    ("whatsapp-chat", "WhatsApp Chat with Jo Example.txt", "whatsapp/ambiguous/WhatsApp Chat with Alex Sample.txt"),
    ("whatsapp-chat", "_chat.txt", "whatsapp/ios/_chat.txt"),
    ("youtube-comments", "Takeout/YouTube and YouTube Music/comments/comments.csv",
     "youtube-comments/Takeout/YouTube and YouTube Music/comments/comments.csv"),
    ("discord", "package/Messages/index.json", "discord/package/Messages/index.json"),
    ("discord", "package/Messages/c1187654321098765432/messages.json",
     "discord/package/Messages/c1187654321098765432/messages.json"),
    ("discord", "messages/987654321098765432/messages.csv", "discord/old/messages/987654321098765432/messages.csv"),
    ("mastodon-archive", "archive-20261124/outbox.json", "mastodon/archive-20261124/outbox.json"),
    ("mastodon-archive", "archive-20261124/blocked_accounts.csv", "mastodon/archive-20261124/blocked_accounts.csv"),
    ("mastodon-archive", "archive-20261124/muted_accounts.csv", "mastodon/archive-20261124/muted_accounts.csv"),
]
for name in ["account", "manifest", "tweets", "direct-messages", "direct-messages-group", "like"]:
    import_seeds.append(("x-archive", f"twitter-2026-11-24/data/{name}.js", f"x/twitter-2026-11-24/data/{name}.js"))
import_seeds.append(("x-archive", "twitter-2026-11-24/data/tweets.js", "x/twitter-2026-11-24/data/tweets-part1.js"))

clear("fuzz-import")
for fmt, path, fixture in import_seeds:
    data = read(os.path.join("Tests/Fixtures", fixture))
    i = index[(fmt, path)]
    tag = hashlib.sha256(fixture.encode()).hexdigest()[:6]
    base = re.sub(r"[^A-Za-z0-9._-]", "_", os.path.basename(fixture))
    put("fuzz-import", f"{i:02d}-{fmt}-{tag}-{base}", bytes([i]) + data)
# The same entries cut into small chunks (the selector's quotient picks ImportTarget.chunkSizes).
for fmt, fixture, variant in [("sms-backup", "sms-backup/sms-20261120.xml", 1), ("whatsapp-chat", "whatsapp/ios/_chat.txt", 4),
                              ("telegram-json", "telegram-json/single/result.json", 6),
                              ("x-archive", "x/twitter-2026-11-24/data/direct-messages.js", 3),
                              ("wordpress-wxr", "wordpress-wxr/examplepractice.WordPress.2026-11-20.xml", 5)]:
    path = next(path for f, path, fx in import_seeds if f == fmt and fx == fixture)
    i = index[(fmt, path)] + variant * len(entries)
    assert i < 256
    put("fuzz-import", f"chunks-{i:03d}-{fmt}-{os.path.basename(fixture)}", bytes([i]) + read(os.path.join("Tests/Fixtures", fixture)))
put("fuzz-import", f"{index[('eml', 'threat.eml')]:02d}-eml-threat.eml", bytes([index[('eml', 'threat.eml')]]) + EML)
put("fuzz-import", f"{index[('mbox', 'Inbox.mbox')]:02d}-mbox-Inbox.mbox", bytes([index[('mbox', 'Inbox.mbox')]]) + MBOX)
put("fuzz-import", "14-whatsapp-chat-examples.txt", bytes([index[("whatsapp-chat", "WhatsApp Chat with Jo Example.txt")]])
    + read("examples/exports/WhatsApp Chat with Ciaran Murphy.txt"))

# fuzz-surrogate: two chunk-size bytes, then text.
clear("fuzz-surrogate")
put("fuzz-surrogate", "pair", b"\x07\x03<sms body=\"hi &#55357;&#56832; there\"/>")
put("fuzz-surrogate", "hex-pair", b"\x00\x10&#xD83D;&#xDE00;&#xd83d;&#xde00;")
put("fuzz-surrogate", "lone-halves", b"\x05\x05&#55357; x &#56832;&#55357;&#55357;&amp;&#65;&#x1F600;&#;&#x;")
put("fuzz-surrogate", "cut", b"\x01\xff&#5535")
put("fuzz-surrogate", "sms-backup", b"\x40\x11" + read("Tests/Fixtures/sms-backup/sms-20261120.xml")[:3000])

# fuzz-archive: the example archives and a few small ones of each kind.
clear("fuzz-archive")
for name in ["facebook-drexample-20261124.zip", "twitter-2026-11-24-drexample.zip"]:
    put("fuzz-archive", name, read("examples/exports/" + name))
put("fuzz-archive", "example-indemnifier.zip", read("examples/bundles/example-indemnifier.zip"))
files = [("chat/_chat.txt", read("Tests/Fixtures/whatsapp/ios/_chat.txt")),
         ("chat/dup/message_1.json", b'{"messages": []}'), ("empty", b""),
         ("caf\u00e9/na\u00efve.txt", b"x" * 300)]
def zipped(compression, **kw):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression, **kw) as z:
        for path, data in files:
            info = zipfile.ZipInfo(path, (2026, 11, 20, 21, 30, 4))
            info.compress_type = compression
            z.writestr(info, data)
    return out.getvalue()
put("fuzz-archive", "small-deflate.zip", zipped(zipfile.ZIP_DEFLATED))
put("fuzz-archive", "small-stored.zip", zipped(zipfile.ZIP_STORED))
out = io.BytesIO()
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
    with z.open(zipfile.ZipInfo("big/zip64.txt", (2026, 11, 20, 0, 0, 0)), "w", force_zip64=True) as f:
        f.write(b"zip64 " * 50)
put("fuzz-archive", "zip64.zip", out.getvalue())
def tarred():
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT) as t:
        for path, data in files:
            info = tarfile.TarInfo(path)
            info.size, info.mtime = len(data), 1795000000
            t.addfile(info, io.BytesIO(data))
        folder = tarfile.TarInfo("chat/sub")
        folder.type = tarfile.DIRTYPE
        t.addfile(folder)
    return out.getvalue()
put("fuzz-archive", "small.tar", tarred())
put("fuzz-archive", "small.tar.gz", gzip.compress(tarred(), mtime=0))

# fuzz-verify: the example packages, their bundle.xml, and the test bundles.
clear("fuzz-verify")
for name in ["example-indemnifier.zip", "example-platform-instagram.zip"]:
    package = read("examples/bundles/" + name)
    put("fuzz-verify", name, package)
    with zipfile.ZipFile(io.BytesIO(package)) as z:
        put("fuzz-verify", name.replace(".zip", "-bundle.xml"), z.read("bundle.xml"))
for name in ["sample-indemnifier.xml", "sample-platform.xml"]:
    put("fuzz-verify", name, read("Tests/Fixtures/bundle/" + name))
