"""Readers for the published list formats: trade.gov's Consolidated Screening List (CSV and JSON),
OpenSanctions / FollowTheMoney entity JSON lines (and delta files), OFAC's legacy SDN CSV files.

Each reader takes the file's bytes and returns a `ScreeningList`, or raises `ListFileError` naming the
line or record and the field at fault; nothing is returned for a partly readable file.
"""

from netvet.screening.loaders.common import FORMATS, ListFileError
from netvet.screening.loaders.csl import read_csl_csv, read_csl_json
from netvet.screening.loaders.ftm import apply_ftm_delta, is_ftm_delta, read_ftm
from netvet.screening.loaders.ofac import read_ofac_csv

__all__ = [
    "FORMATS",
    "ListFileError",
    "apply_ftm_delta",
    "is_ftm_delta",
    "read_csl_csv",
    "read_csl_json",
    "read_ftm",
    "read_ofac_csv",
]
