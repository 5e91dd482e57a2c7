"""A deck's study options, shared between decks as named presets (as Anki's option groups)."""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any

from studyapp.core.scheduling.scheduling import (
    DEFAULT_DESIRED_RETENTION,
    DEFAULT_LEARNING_STEPS,
    DEFAULT_MAXIMUM_INTERVAL_DAYS,
    DEFAULT_RELEARNING_STEPS,
    SchedulerConfig,
)


class NewOrder(str, enum.Enum):
    DECK = "deck"  # in the order of the deck (the file's order for an import)
    RANDOM = "random"


@dataclass(frozen=True)
class DeckOptions:
    new_per_day: int = 20
    reviews_per_day: int = 200
    learning_steps: tuple[timedelta, ...] = DEFAULT_LEARNING_STEPS
    relearning_steps: tuple[timedelta, ...] = DEFAULT_RELEARNING_STEPS
    desired_retention: float = DEFAULT_DESIRED_RETENTION
    maximum_interval_days: int = DEFAULT_MAXIMUM_INTERVAL_DAYS
    new_order: NewOrder = NewOrder.DECK
    parameters: tuple[float, ...] | None = None  # fitted FSRS parameters; None: the defaults
    autoplay_audio: bool = True  # a side's [sound:] plays when shown (off: "Don't play audio automatically")
    load_balance: bool = True  # a review's day within the fuzz range leans to quiet days (the load balancer)

    def __post_init__(self) -> None:
        problems = []
        if not 0 <= self.new_per_day <= 9999:
            problems.append("new cards a day must be 0 to 9999")
        if not 0 <= self.reviews_per_day <= 99999:
            problems.append("reviews a day must be 0 to 99999")
        if not 0.70 <= self.desired_retention <= 0.99:
            problems.append("desired retention must be between 0.70 and 0.99")
        if not 1 <= self.maximum_interval_days <= 36500:
            problems.append("the maximum interval must be 1 to 36500 days")
        if any(step <= timedelta(0) for step in (*self.learning_steps, *self.relearning_steps)):
            problems.append("learning steps must be positive")
        if problems:
            raise ValueError("; ".join(problems))

    def scheduler_config(self) -> SchedulerConfig:
        extra: dict[str, Any] = {} if self.parameters is None else {"parameters": self.parameters}
        return SchedulerConfig(
            desired_retention=self.desired_retention,
            learning_steps=self.learning_steps,
            relearning_steps=self.relearning_steps,
            maximum_interval_days=self.maximum_interval_days,
            load_balance=self.load_balance,
            **extra,
        )

    def to_json(self) -> str:
        return json.dumps(
            {
                "new_per_day": self.new_per_day,
                "reviews_per_day": self.reviews_per_day,
                "learning_steps": [step.total_seconds() for step in self.learning_steps],
                "relearning_steps": [step.total_seconds() for step in self.relearning_steps],
                "desired_retention": self.desired_retention,
                "maximum_interval_days": self.maximum_interval_days,
                "new_order": self.new_order.value,
                "parameters": list(self.parameters) if self.parameters is not None else None,
                "autoplay_audio": self.autoplay_audio,
                "load_balance": self.load_balance,
            }
        )

    @classmethod
    def from_json(cls, text: str) -> DeckOptions:
        """Options from stored JSON; keys a newer version added are ignored, missing ones take defaults."""
        data = json.loads(text)
        base = cls()
        changes: dict[str, Any] = {}
        for key in ("new_per_day", "reviews_per_day", "maximum_interval_days"):
            if key in data:
                changes[key] = int(data[key])
        if "desired_retention" in data:
            changes["desired_retention"] = float(data["desired_retention"])
        for key in ("learning_steps", "relearning_steps"):
            if key in data:
                changes[key] = tuple(timedelta(seconds=float(s)) for s in data[key])
        if "new_order" in data:
            changes["new_order"] = NewOrder(data["new_order"])
        if data.get("parameters"):
            changes["parameters"] = tuple(float(p) for p in data["parameters"])
        if "autoplay_audio" in data:
            changes["autoplay_audio"] = bool(data["autoplay_audio"])
        if "load_balance" in data:  # (older JSON has none: on)
            changes["load_balance"] = bool(data["load_balance"])
        return replace(base, **changes)


@dataclass(frozen=True)
class Preset:
    id: int
    name: str
    options: DeckOptions = field(default_factory=DeckOptions)


def parse_steps(text: str) -> tuple[timedelta, ...]:
    """``"1m 10m 1h 1d"`` -> steps; raises ``ValueError`` naming the part it cannot read."""
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    steps = []
    for part in text.replace(",", " ").split():
        number, unit = part[:-1], part[-1:].lower()
        if unit.isdigit():
            number, unit = part, "m"
        try:
            value = float(number)
        except ValueError:
            raise ValueError(f"'{part}' is not a step (write 1m, 10m, 1h or 1d)") from None
        if unit not in units or value <= 0:
            raise ValueError(f"'{part}' is not a step (write 1m, 10m, 1h or 1d)")
        steps.append(timedelta(seconds=value * units[unit]))
    return tuple(steps)


def format_steps(steps: tuple[timedelta, ...]) -> str:
    parts = []
    for step in steps:
        seconds = step.total_seconds()
        for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
            if seconds >= size and seconds % size == 0:
                parts.append(f"{int(seconds // size)}{unit}")
                break
        else:
            parts.append(f"{int(seconds)}s")
    return " ".join(parts)


@dataclass(frozen=True)
class Deck:
    """A deck; its study options come from its preset (``DeckOptions``, shared between decks)."""

    id: int
    name: str
    description: str = ""
    options: DeckOptions = field(default_factory=DeckOptions)
    preset_id: int | None = None

    @property
    def new_per_day(self) -> int:
        return self.options.new_per_day

    @property
    def reviews_per_day(self) -> int:
        return self.options.reviews_per_day
