"""The demo's sample blogs, written for xmppsocial (no real people, no real posts)."""

from __future__ import annotations

import random

AUTHORS = {
    "alice": ("Alice Marchetti", "Gardens, seeds and slow Sundays"),
    "bob": ("Bob Okafor", "Notes from a terminal"),
    "carol": ("Carol Lindqvist", "Family news (contacts only)"),
    "dave": ("Dave's Old Mill", "Imported from an Atom feed"),
}

GARDEN = [
    ("Tomatoes are in", "Planted **six** heirloom tomatoes along the south wall today. "
     "The [seed shop](https://seeds.example/heirloom) had the *Black Krim* again."),
    ("Basil, again", "Third attempt at basil this year.\n\n- more sun\n- less water\n"
     "- no snails (hopefully)"),
    ("Compost question", "Does anyone turn their compost in winter? Mine is a cold "
     "*lump* right now."),
    ("First frost", "> The garden is asleep; the gardener is not.\n\nCovered the "
     "rosemary with fleece tonight."),
    ("Seed swap on Saturday", "Bringing squash and marigold seeds to the library swap. "
     "Come by if you are near!"),
]
TERMINAL = [
    ("A tmux trick", "Split panes and keep them: `tmux new -s work` then `prefix + %`."),
    ("Why I read feeds in a terminal", "No ads, no autoplay, **just text**. "
     "And j/k everywhere."),
    ("On small tools", "A tool that does one thing well is a tool you can keep for "
     "twenty years."),
    ("Backups", "If it is not in *two* places, it does not exist.\n\n"
     "1. local disk\n2. a friend's server\n3. a drive in a drawer"),
    ("Keyboard layout", "Switched to a split keyboard. Week one: slower. Week three: "
     "never going back."),
]
FAMILY = [
    ("Grandma's birthday", "Ninety-one today and still beating everyone at cards."),
    ("New bike for Leo", "He rode it around the block twelve times before dinner."),
    ("Holiday plans", "Thinking of the coast again in June. Same cottage?"),
]
COMMENTS = ["Lovely!", "Same here.", "Good tip, thanks.", "Where did you get that?",
            "Ha, I know that feeling.", "Please post a picture!", "Agreed."]
TAGS = {"alice": ["garden", "seeds", "weekend"], "bob": ["terminal", "tools", "linux"],
        "carol": ["family"]}


def posts_for(author: str, count: int, rng: random.Random) -> list[tuple[str, str, list[str]]]:
    """``count`` (title, markdown, tags) for an author, cycling through their themes."""
    pool = {"alice": GARDEN, "bob": TERMINAL, "carol": FAMILY}[author]
    out = []
    for n in range(count):
        title, body = pool[n % len(pool)]
        if n >= len(pool):
            title = f"{title} ({n // len(pool) + 1})"
        tags = rng.sample(TAGS[author], k=rng.randint(0, min(2, len(TAGS[author]))))
        out.append((title, body, tags))
    return out
