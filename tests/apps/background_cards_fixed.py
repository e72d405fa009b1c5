"""background_cards.py with the fix check names: the card's id as a State makes each job's arguments differ."""
from background_cards import build

app = build(with_id=True)
