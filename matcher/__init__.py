"""Match investors' requirements with Haidian's 18 key science and industrial parks."""

from matcher.catalogue import Catalogue, CatalogueError, default_catalogue, load_catalogue
from matcher.models import Fit, Match, Park, Requirement, Sector, Weights
from matcher.scoring import Ranker, rank, score_breakdown

__all__ = [
    "Catalogue",
    "CatalogueError",
    "Fit",
    "Match",
    "Park",
    "Ranker",
    "Requirement",
    "Sector",
    "Weights",
    "default_catalogue",
    "load_catalogue",
    "rank",
    "score_breakdown",
]
