"""Fuzzing every list reader (trade.gov's Consolidated Screening List as CSV and JSON, OpenSanctions
FollowTheMoney entities and their delta files, OFAC's SDN CSV files): each hostile file is refused with
a ListFileError naming the file, or read into a list with entries, never a crash. A reader returns a
whole list or nothing, so nothing is half-read."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given

from fuzzing import fuzz_settings, hostile_json, mutated
from netvet.screening.lists import ScreeningList
from netvet.screening.loaders import (
    ListFileError,
    apply_ftm_delta,
    read_csl_csv,
    read_csl_json,
    read_ftm,
    read_ofac_csv,
)

DATA = Path(__file__).resolve().parent.parent / "data" / "screening"
CSL_CSV = (
    b"source,entity_number,type,programs,name,title,addresses,federal_register_notice,start_date,end_date,"
    b"standard_order,license_requirement,license_policy,call_sign,vessel_type,gross_tonnage,"
    b"gross_registered_tonnage,vessel_flag,vessel_owner,remarks,source_list_url,alt_names,citizenships,"
    b"dates_of_birth,nationalities,places_of_birth,source_information_url,ids\n"
    b"Entity List (EL) - Bureau of Industry and Security,,,,Huawei Technologies Co. Ltd.,,"
    b'"Bantian, Longgang District, Shenzhen, CN",84 F.R. 22963,2019-05-16,,,For all items subject to '
    b"the EAR.,Presumption of denial.,,,,,,,,http://bit.ly/1L47xrV,Huawei; HUAWEI TECHNOLOGIES,,,,,,\n"
)
FTM = (DATA / "opensanctions-sample.ftm.json").read_bytes()
FTM_DELTA = (DATA / "opensanctions-delta.ftm.json").read_bytes()
CSL_JSON = (DATA / "csl-sample.json").read_bytes()
SDN = b'36,"AEROCARIBBEAN AIRLINES",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n'
ALT = b'36,12,"aka","AERO-CARIBBEAN",-0- \n'
ADD = b'36,25,-0- ,"Havana","Cuba",-0- \n'


def holds(read: object) -> None:
    try:
        loaded = read() if callable(read) else read
    except ListFileError as exc:
        assert exc.args and str(exc)
        return
    assert isinstance(loaded, ScreeningList) and loaded.entries


def test_the_seeds_are_read() -> None:
    for loaded in (
        read_csl_csv(CSL_CSV, "csl.csv"),
        read_csl_json(CSL_JSON, "csl.json"),
        read_ftm(FTM, "entities.ftm.json"),
        apply_ftm_delta(read_ftm(FTM, "entities.ftm.json"), FTM_DELTA, "delta.json"),
        read_ofac_csv(SDN, "sdn.csv", ALT, ADD),
    ):
        assert loaded.entries


@fuzz_settings(100)
@given(data=mutated(CSL_CSV))
def test_csl_csv(data: bytes) -> None:
    holds(lambda: read_csl_csv(data, "csl.csv"))


@fuzz_settings(100)
@given(data=hostile_json(CSL_JSON))
def test_csl_json(data: bytes) -> None:
    holds(lambda: read_csl_json(data, "csl.json"))


@fuzz_settings(100)
@given(data=mutated(FTM))
def test_ftm(data: bytes) -> None:
    holds(lambda: read_ftm(data, "entities.ftm.json"))


@fuzz_settings(80)
@given(data=mutated(FTM_DELTA))
def test_ftm_delta(data: bytes) -> None:
    previous = read_ftm(FTM, "entities.ftm.json")
    holds(lambda: apply_ftm_delta(previous, data, "delta.json"))


@fuzz_settings(100)
@given(sdn=mutated(SDN), alt=mutated(ALT, 2), add=mutated(ADD, 2))
def test_ofac_csv(sdn: bytes, alt: bytes, add: bytes) -> None:
    holds(lambda: read_ofac_csv(sdn, "sdn.csv", alt, add))
