"""Two entries alike but for one word: "are they encrypted" fits both almost equally (a close call)."""

from knowledge.entries import Entry, Source

TWINS = [
    Entry(id="encrypted-laptops", title="Encrypted laptops", questions=("are laptops encrypted",),
          answer="All work laptops are encrypted by IT.", sources=(Source(ref="DQ402"),), tags=("encryption",)),
    Entry(id="encrypted-tablets", title="Encrypted tablets", questions=("are tablets encrypted",),
          answer="All work tablets are encrypted by IT.", sources=(Source(ref="DQ402"),), tags=("encryption",)),
]
