"""The simulated learner of the benchmark collections: a vocabulary for the notes' text, and a learner who
answers each card with the recall probability FSRS predicts. Used by ``generate.py``."""

from __future__ import annotations

import random
from datetime import datetime, timezone

from studyapp.core.model import CardState

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)
DAY_MS = 86_400_000

# A small vocabulary of real words, most common first (drawn with Zipf's law), and some two-word terms.
_VOCABULARY = """
the of and in to is a with by for on are as from that which at or be this it its an into most
cell blood heart muscle bone skin nerve brain tissue protein acid vessel artery vein kidney liver lung
membrane enzyme hormone gland receptor organ disease infection calcium sodium potassium glucose oxygen
pressure rate system function structure cause effect treatment symptom diagnosis patient level chronic
acute normal small large upper lower left right anterior posterior primary secondary inner outer
increase decrease produce contain release absorb transport regulate control protect support connect
cardiac renal hepatic pulmonary neural muscular skeletal vascular cellular immune endocrine digestive
respiratory nervous lymphatic reproductive urinary metabolic inflammatory viral bacterial genetic
nucleus ribosome mitochondria cytoplasm chromosome gene molecule atom electron ion water lipid sugar
valve chamber ventricle atrium aorta capillary plasma platelet antibody antigen lymphocyte neutrophil
neuron synapse axon dendrite cortex cerebellum spinal reflex impulse signal stimulus response threshold
tendon ligament cartilage joint fracture marrow collagen fiber fibre contraction relaxation tone
stomach intestine colon pancreas insulin bile enzyme digestion nutrient vitamin mineral fat starch
alveoli bronchi trachea diaphragm ventilation diffusion gas carbon dioxide exchange volume capacity
filtration nephron urine glomerulus tubule reabsorption secretion excretion balance homeostasis
café naïve rôle façade résumé déjà élan protégé
"""
WORDS = _VOCABULARY.split()
TERMS = [
    "blood pressure", "heart rate", "immune system", "cell membrane", "nervous system", "red blood",
    "white blood", "spinal cord", "small intestine", "carbon dioxide", "growth hormone", "lymph node",
]  # fmt: skip
TEMPLATES = [
    "What is the {w} of the {w} {w}?",
    "Which {w} {w} the {w} in {w} {w}?",
    "How does {t} affect the {w}?",
    "Where is the {w} {w} found?",
    "Name the {w} that {w} {t}.",
    "Why is {t} {w} in {w} {w}?",
]

DECAY = -0.1542
FACTOR = 0.9 ** (1 / DECAY) - 1
_NEW, _LEARNING, _REVIEW, _RELEARNING = (int(state) for state in CardState)


class Vocabulary:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        weights = [1 / (rank + 1) for rank in range(len(WORDS))]
        self.cumulative = list(_accumulate(weights))

    def word(self) -> str:
        return self.rng.choices(WORDS, cum_weights=self.cumulative)[0]

    def sentence(self, length: int) -> str:
        parts = [self.rng.choice(TERMS) if self.rng.random() < 0.08 else self.word() for _ in range(length)]
        return " ".join(parts).capitalize() + "."

    def question(self) -> str:
        template = self.rng.choice(TEMPLATES)
        while "{w}" in template or "{t}" in template:
            template = template.replace("{w}", self.word(), 1).replace("{t}", self.rng.choice(TERMS), 1)
        return template


def _accumulate(values: list[float]) -> list[float]:
    total = 0.0
    result = []
    for value in values:
        total += value
        result.append(total)
    return result


def snapshot(*schedule: object) -> tuple:
    """(state, stability, difficulty, due, last_review, reps, lapses) as the log's columns (step is NULL)."""
    state, *rest = schedule
    return (state, None, *rest)


def log_id(moment_ms: int, rng: random.Random) -> int:
    """A log row's id as studyapp makes one (``core.ids.time_ordered_id``): its time in ms, then 21 random bits.
    (The draw is 62 bits, of which 21 are kept, so that the rest of the generated data stays as it was.)"""
    return moment_ms << 21 | (rng.getrandbits(62) & ((1 << 21) - 1))


def simulate(rng: random.Random, card_id: int, budget: int, first_ms: int, until_ms: int, log: list[tuple]) -> tuple:
    """A simple learner answers a card from ``first_ms`` until ``until_ms`` (at most ``budget`` times), recalling it
    with the probability FSRS predicts; returns the card's final schedule columns.

    New cards go through a 10-minute learning step unless answered Easy, and a forgotten review card
    through a relearning step; stability grows with each review it is recalled at.
    """
    state, stability, difficulty, due, last, reps, lapses = _NEW, None, None, None, None, 0, 0
    moment = first_ms
    while reps < budget and moment < until_ms:
        before = snapshot(state, stability, difficulty, due, last, reps, lapses)
        if state == _NEW:
            rating = rng.choices([1, 2, 3, 4], [0.2, 0.1, 0.55, 0.15])[0]
            stability = {1: 0.2, 2: 1.3, 3: 2.3, 4: 8.3}[rating]
            difficulty = {1: 6.4, 2: 5.1, 3: 2.1, 4: 1.0}[rating]
            state = _REVIEW if rating == 4 else _LEARNING
        elif state != _REVIEW:  # a learning or relearning step
            rating = rng.choices([1, 3], [0.15, 0.85])[0]
            state = state if rating == 1 else _REVIEW
        else:
            elapsed = max(0, (moment - last) // DAY_MS)  # type: ignore[operator]
            recall = (1 + FACTOR * elapsed / stability) ** DECAY  # type: ignore[operator]
            rating = 1 if rng.random() > recall else rng.choices([2, 3, 4], [0.12, 0.75, 0.13])[0]
            if rating == 1:
                lapses += 1
                state = _RELEARNING
                stability = max(0.1, stability * 0.3)  # type: ignore[operator]
                difficulty = min(10.0, difficulty + 0.8)  # type: ignore[operator]
            else:
                stability *= {2: 1.15, 3: 1.75, 4: 2.4}[rating]  # type: ignore[operator]
                difficulty = max(1.0, min(10.0, difficulty + {2: 0.3, 3: 0.0, 4: -0.4}[rating]))  # type: ignore[operator]
        due = moment + (max(1, round(stability)) * DAY_MS if state == _REVIEW else 10 * 60_000)  # type: ignore[arg-type]
        last = moment
        reps += 1
        after = snapshot(state, stability, difficulty, due, last, reps, lapses)
        log.append((log_id(moment, rng), card_id, moment, rating, rng.randint(2000, 20000), "flip", *before, *after))
        moment = due + (rng.randint(0, 3 * DAY_MS) if state == _REVIEW else rng.randint(0, 60_000))
    return state, stability, difficulty, due, last, reps, lapses
