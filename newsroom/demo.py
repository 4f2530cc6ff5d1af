"""The reference story, written in our own words from the brief, with placeholder photos."""

import datetime as dt
import io

from django.db import transaction
from PIL import Image, ImageDraw, ImageFont

from gallery.models import Annotation, Credit, Photo
from gallery.services import DuplicatePhoto, photo_create, photo_set_redactions
from newsroom.models import Article, Quote, Slide
from newsroom.versions import save_story_versions

SLUG = "north-korean-soldiers-captured-in-kursk"
HEADLINE = "See the images of the North Korean soldiers Ukraine captured in Kursk"
STANDFIRST = (
    "Ukraine says it has taken two North Korean soldiers prisoner in Russia's Kursk region, "
    "the first it has captured alive. Both were wounded; they are now in Kyiv, where the "
    "Security Service of Ukraine is questioning them. Their faces are blurred and their "
    "documents blacked out in the images below."
)
BYLINE = "By the Newsroom photo desk"
PUBLISHED_AT = dt.datetime(2025, 1, 13, 9, 0, tzinfo=dt.UTC)

TELEGRAM = {
    "kind": Credit.Kind.SOCIAL,
    "platform": "Telegram",
    "account": "@V_Zelenskiy_official",
    "url": "https://t.me/V_Zelenskiy_official",
    "licence": "Official channel of the President of Ukraine; editorial use",
    "verification": Credit.Verification.VERIFIED,
    "verification_note": "Posted on the president's verified official channel.",
}
YOUTUBE = {
    "kind": Credit.Kind.SCREENSHOT,
    "platform": "YouTube",
    "account": "SecurityServiceUkraine",
    "url": "https://www.youtube.com/@SecurityServiceUkraine",
    "licence": "Still from an official video; editorial use",
    "verification": Credit.Verification.VERIFIED,
    "verification_note": "Still taken from a video on the SBU's official YouTube channel.",
}

PRESIDENT = {"speaker": "Volodymyr Zelensky", "speaker_role": "President of Ukraine"}
SBU = {"speaker": "Security Service of Ukraine (SBU)", "speaker_role": ""}
ON_X = {"said_in": Quote.Medium.X, "said_on": dt.date(2025, 1, 11)}
IN_REPORT = {"said_in": Quote.Medium.REPORT, "said_on": dt.date(2025, 1, 11)}

SLIDES = [
    {
        "credit": TELEGRAM,
        "alt": "A wounded soldier in a hospital bed, his jaw bandaged; his face is blurred.",
        "narrative": (
            "Ukrainian forces have captured North Korean soldiers in Russia's Kursk region for "
            "the first time. Two of them survived their wounds and were taken to Kyiv, where "
            "the Security Service of Ukraine (SBU) is now questioning them.\n"
            "President Volodymyr Zelensky announced the capture on X and shared photos of the "
            "two men, the rooms where they are held and one soldier's passport."
        ),
        "quotes": [
            {
                "text": "Our soldiers have captured North Korean military personnel in the "
                "Kursk region.",
                **PRESIDENT,
                **ON_X,
            }
        ],
    },
    {
        "credit": YOUTUBE,
        "alt": "Video still of a prisoner sitting on a bed in a small room; his face is blurred.",
        "narrative": (
            "On 11 January 2025 the SBU published a video of the two prisoners and set out "
            "what they had told investigators about themselves and how they reached Russia."
        ),
    },
    {
        "credit": TELEGRAM,
        "alt": "An identity document held up to the camera, with the name and photo blacked out.",
        "narrative": (
            "According to the SBU, one of the men was carrying a Russian military identity "
            "card made out to somebody else when he was caught. The other had no papers at all."
        ),
        "quotes": [
            {
                "text": "One of the prisoners had a Russian military ID issued in another "
                "person's name, registered in the Republic of Tuva.",
                **SBU,
                **IN_REPORT,
            }
        ],
    },
    {
        "credit": TELEGRAM,
        "alt": "A soldier with bandaged hands sitting on a hospital bed; his face is blurred.",
        "narrative": (
            "One soldier told interrogators he had been handed a ticket to Russia in autumn "
            "2024. He said some North Korean units had about a week of training with Russian "
            "forces so that the two armies could fight together."
        ),
    },
    {
        "credit": YOUTUBE,
        "alt": "Video still of a young man in a grey T-shirt answering questions; face blurred.",
        "narrative": (
            "The same soldier said he was born in 2005 and had served as a rifleman in the "
            "North Korean army since 2021."
        ),
    },
    {
        "credit": TELEGRAM,
        "alt": "A second prisoner lying under a blanket with a bandaged leg; his face is blurred.",
        "narrative": (
            "He said he had been told he was going to Russia for training, not to fight. The "
            "second soldier backed up parts of his account: he said he was born in 1999, joined "
            "the army in 2016 and served as a scout sniper."
        ),
    },
    {
        "credit": YOUTUBE,
        "alt": "Video still of an interpreter and a prisoner across a table; faces blurred.",
        "narrative": (
            "Neither man speaks Ukrainian, English or Russian. The SBU said it questions them "
            "through Korean interpreters, working with South Korea's National Intelligence "
            "Service."
        ),
        "quotes": [
            {
                "text": "The prisoners do not speak Ukrainian, English or Russian, so they are "
                "questioned with the help of Korean interpreters, in cooperation with South "
                "Korea's National Intelligence Service.",
                **SBU,
                **IN_REPORT,
            }
        ],
    },
    {
        "credit": TELEGRAM,
        "alt": "Two soldiers in a hospital room, one sitting and one lying; faces blurred.",
        "narrative": (
            "Zelensky said taking the men alive had been hard, because Russian forces and North "
            "Korean troops often kill their own wounded to hide Pyongyang's role in the war.\n"
            "He thanked Tactical Group No. 84 of the Special Operations Forces and Ukraine's "
            "paratroopers. The prisoners are receiving medical care, as all prisoners of war "
            "do, and may speak to journalists."
        ),
        "quotes": [
            {
                "text": "It was not easy: Russian troops and other North Korean military "
                "usually execute their wounded to erase any evidence of [North Korea's] "
                "involvement in the war against [Ukraine].",
                **PRESIDENT,
                **ON_X,
            }
        ],
    },
    {
        "credit": TELEGRAM,
        "alt": "A passport page held open, with the photo and personal details blacked out.",
        "narrative": (
            "Zelensky said he had told the SBU to let journalists talk to the prisoners, "
            "because the world needs to know what is really happening."
        ),
        "quotes": [
            {
                "text": "The world needs to know the truth about what is happening.",
                **PRESIDENT,
                **ON_X,
            }
        ],
    },
]

CLOSING = (
    "The capture came days after Kyiv opened a new offensive in Kursk, about six months "
    "after its first push into the region.\n"
    "In December 2024 a senior U.S. military official confirmed that hundreds of North Korean "
    "soldiers were fighting alongside Russian forces in Kursk, the Associated Press reported.\n"
    "On 12 January Zelensky posted a video of the first interrogation on Facebook and, "
    "according to Ukrainska Pravda, said Ukraine was ready to hand the men back to North Korea "
    "if it could exchange them for Ukrainians held by Russia."
)

PALETTE = [
    (46, 64, 87),
    (87, 46, 52),
    (52, 87, 46),
    (87, 76, 46),
    (46, 84, 87),
    (70, 46, 87),
    (87, 60, 46),
    (46, 87, 70),
    (64, 64, 64),
]


def placeholder_jpeg(number: int, label: str, size=(3000, 2000)) -> bytes:
    """A distinct, clearly labelled stand-in photo. Same input, same bytes."""
    base = PALETTE[(number - 1) % len(PALETTE)]
    image = Image.new("RGB", size, base)
    draw = ImageDraw.Draw(image)
    width, height = size
    for i in range(0, width, 150):  # Diagonal bands make each slide's image distinct.
        shade = tuple(min(255, c + 18 + (i * number) % 40) for c in base)
        draw.polygon(
            [(i, 0), (i + 75, 0), (i + 75 - height // 3, height), (i - height // 3, height)],
            fill=shade,
        )
    big = ImageFont.load_default(size=220)
    small = ImageFont.load_default(size=90)
    draw.rectangle([(200, 600), (width - 200, 1400)], fill=(250, 250, 250))
    draw.text((width / 2, 850), "PLACEHOLDER", font=big, fill=base, anchor="mm")
    draw.text(
        (width / 2, 1180),
        f"Photo {number} of 9 · {label}",
        font=small,
        fill=(30, 30, 30),
        anchor="mm",
    )
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


# Every photo shows prisoners of war (Third Geneva Convention, Art. 13), so each
# carries a redaction. The placeholders have no faces; the regions stand where
# a face or a document's details would be, so the pipeline visibly destroys them.
FACE = {"x": 2150, "y": 120, "width": 650, "height": 420, "method": "blur", "note": "face"}
DOCUMENT = {
    "x": 250,
    "y": 1450,
    "width": 1100,
    "height": 450,
    "method": "box",
    "note": "name, photo and number on the document",
}
DOCUMENT_SLIDES = {3, 9}
SENSITIVE = {6: "This photo shows a wounded prisoner of war in a hospital bed."}
ANNOTATIONS = {
    3: [
        {
            "x": 0.08,
            "y": 0.72,
            "width": 0.37,
            "height": 0.23,
            "note": (
                "Russian military ID made out to another man, registered in Tuva "
                "(its details blacked out)."
            ),
        }
    ],
    9: [
        {
            "x": 0.08,
            "y": 0.72,
            "width": 0.37,
            "height": 0.23,
            "note": "One soldier's passport; his personal details are blacked out.",
        }
    ],
}


def _credit(spec: dict) -> Credit:
    credit = Credit.objects.filter(
        kind=spec["kind"], platform=spec["platform"], account=spec["account"]
    ).first()
    return credit or Credit.objects.create(**spec)


@transaction.atomic
def demo_load() -> tuple[Article, bool]:
    """Create the reference story once; returns (article, created)."""
    existing = Article.objects.filter(slug=SLUG).first()
    if existing:
        return existing, False
    article = Article.objects.create(
        headline=HEADLINE,
        slug=SLUG,
        standfirst=STANDFIRST,
        byline=BYLINE,
        status=Article.Status.PUBLISHED,
        published_at=PUBLISHED_AT,
        closing_text=CLOSING,
    )
    for number, spec in enumerate(SLIDES, start=1):
        credit = _credit(spec["credit"])
        data = placeholder_jpeg(number, credit.line)
        photo = _demo_photo(number, data, spec, credit)
        slide = Slide.objects.create(
            article=article, position=number, photo=photo, narrative=spec["narrative"]
        )
        for position, quote in enumerate(spec.get("quotes", []), start=1):
            Quote.objects.create(slide=slide, position=position, **quote)
    save_story_versions([article], by=None, comment="The demo story, as loaded.")
    return article, True


def _demo_photo(number: int, data: bytes, spec: dict, credit: Credit) -> Photo:
    try:
        photo = photo_create(
            data=data,
            filename=f"demo-slide-{number}.jpg",
            title=f"Demo placeholder {number}",
            alt_text=f"Placeholder image. {spec['alt']}",
            credit=credit,
            shows_prisoners=True,
            is_sensitive=number in SENSITIVE,
            sensitivity_warning=SENSITIVE.get(number, ""),
        )
    except DuplicatePhoto as duplicate:
        return duplicate.existing  # Left in the library by an earlier, deleted demo.
    regions = [FACE, DOCUMENT] if number in DOCUMENT_SLIDES else [FACE]
    photo_set_redactions(photo=photo, regions=regions)
    for position, note in enumerate(ANNOTATIONS.get(number, []), start=1):
        Annotation.objects.create(photo=photo, position=position, **note)
    return photo
