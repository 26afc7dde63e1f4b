#!/usr/bin/env python3
"""One institution's clinical-items Bundle (JP_Bundle_CLINS) for one year of a patient's care.

    items.py --patient ID --institution CODE --year Y --seed S > bundle.json

Year 0 is the last twelve months. --light: one result per test and one prescription (the
population's patient, copied in SQL). Built from the JP-CLINS examples the tests carry
(tests/data/jpdata/examples/jp-clins), changed in memory only: per year 4 results of each of 6
lab tests, 4 prescriptions; every submission carries the institution's 4 diagnoses (diagnoses are a
full replacement per sender) and its allergy.
"""
import argparse, copy, datetime, json, os, random

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "data", "jpdata", "examples", "jp-clins")
INSTITUTION_SYSTEM = "http://jpfhir.jp/fhir/core/IdSystem/insurance-medical-institution-no"
INSTITUTION_EXT = "http://jpfhir.jp/fhir/clins/Extension/StructureDefinition/JP_eCS_InstitutionNumber"
JLAC10 = "http://medis.or.jp/CodeSystem/master-JLAC10-17digits"
CORE_LABO = "http://jpfhir.jp/fhir/clins/CodeSystem/JLAC10/JP_CLINS_ObsLabResult_CoreLabo_CS"
LABS = [  # core lab codes (JP_CLINS_ObsLabResult_CoreLabo_CS), name, unit, typical value
    ("3H015000002327201", "カリウム(K)", "mEq/L", 4.2), ("3A015000002329101", "アルブミン", "g/dL", 4.1),
    ("3C015000002329101", "クレアチニン(Cre)", "mg/dL", 0.9), ("3D010129902327101", "グルコース(血糖)", "mg/dL", 110),
    ("3D046000001921002", "HbA1c(NGSP)", "%", 6.4), ("3F077000002327101", "LDL-コレステロール(LDL-C)", "mg/dL", 120)]
DIAGNOSES = [("20064049", "十二指腸潰瘍"), ("20055452", "高血圧症"), ("20066412", "2型糖尿病"), ("20058297", "脂質異常症"),
             ("20063453", "逆流性食道炎"), ("20056987", "気管支喘息")]


def load(name):
    with open(os.path.join(ROOT, name), encoding="utf-8") as f:
        resource = json.load(f)
    resource.pop("id", None)
    resource.pop("text", None)
    return resource


def stamp(resource, institution, uid, subject_field, patient):
    resource["identifier"] = [i for i in resource.get("identifier", []) if not i["system"].endswith("resourceInstance-identifier")] + [
        {"system": "http://jpfhir.jp/fhir/core/IdSystem/resourceInstance-identifier", "value": f"{institution}-{uid}"}]
    resource["extension"] = [e for e in resource.get("extension", []) if e["url"] != INSTITUTION_EXT] + [
        {"url": INSTITUTION_EXT, "valueIdentifier": {"system": INSTITUTION_SYSTEM, "value": institution}}]
    resource[subject_field] = {"reference": f"Patient/{patient}"}
    resource.get("meta", {}).pop("tag", None)
    return resource


def main():
    a = argparse.ArgumentParser()
    a.add_argument("--patient", required=True)
    a.add_argument("--institution", required=True)
    a.add_argument("--year", type=int, default=0)
    a.add_argument("--seed", type=int, default=1)
    a.add_argument("--light", action="store_true", help="one result per test and one prescription: the copied population's patient")
    args = a.parse_args()
    rnd = random.Random(args.seed * 1000 + args.year)
    today = (datetime.datetime.utcnow() + datetime.timedelta(hours=9)).date()
    entries = []

    condition = load("Condition-Example-JP-Condition-eCS-01.json")
    for k in range(4):
        code, name = DIAGNOSES[(args.seed + k) % len(DIAGNOSES)]
        c = stamp(copy.deepcopy(condition), args.institution, f"dx{k}", "subject", args.patient)
        c["code"] = {"coding": [{"system": "http://medis.or.jp/CodeSystem/master-disease-keyNumber", "code": code, "display": name}], "text": name}
        c["onsetDateTime"] = (today - datetime.timedelta(days=365 * 4 + 30 * k)).isoformat()
        entries.append(c)

    allergy = stamp(load("AllergyIntolerance-Example-JP-AllergyIntolerance-eCS-01.json"), args.institution, "al0", "patient", args.patient)
    entries.append(allergy)

    lab = load("Observation-Example-JP-Obs-LabResult-eCS-K.json")
    quarters = 1 if args.light else 4
    for q in range(quarters):
        day = today - datetime.timedelta(days=365 * args.year + 90 * q + rnd.randint(0, 20))
        for jlac, name, unit, typical in LABS:
            o = stamp(copy.deepcopy(lab), args.institution, f"lab-{args.year}-{q}-{jlac}", "subject", args.patient)
            o["code"] = {"coding": [{"system": CORE_LABO, "code": jlac, "display": name}, {"system": JLAC10, "code": jlac, "display": name}], "text": name}
            o["valueQuantity"] = {"value": round(typical * rnd.uniform(0.85, 1.2), 1), "unit": unit}
            o["effectiveDateTime"] = f"{day.isoformat()}T10:00:00+09:00"
            o["issued"] = f"{day.isoformat()}T15:00:00+09:00"
            o.pop("note", None)
            entries.append(o)

    prescription = load("MedicationRequest-Example-JP-MedReq-PO-SID-28days.json")
    for q in range(quarters):
        day = today - datetime.timedelta(days=365 * args.year + 90 * q)
        m = stamp(copy.deepcopy(prescription), args.institution, f"rx-{args.year}-{q}", "subject", args.patient)
        m["authoredOn"] = f"{day.isoformat()}T10:00:00+09:00"
        m["identifier"] = [i for i in m["identifier"] if i["system"] != "urn:oid:1.2.392.100495.20.3.11"]
        for d in m.get("dosageInstruction", []):
            for e in d.get("extension", []):
                if "valuePeriod" in e:
                    e["valuePeriod"] = {"start": day.isoformat()}
            if "timing" in d:
                d["timing"]["event"] = [f"{day.isoformat()}T00:00:00+09:00"]
        entries.append(m)

    bundle = {
        "resourceType": "Bundle",
        "meta": {"profile": ["http://jpfhir.jp/fhir/clins/StructureDefinition/JP_Bundle_CLINS|1"]},
        "type": "collection",
        "identifier": {"system": "http://jpfhir.jp/fhir/clins/bundle-identifier", "value": f"{args.institution}^{today.year}^{args.patient}-{args.year}"},
        "timestamp": f"{today.isoformat()}T12:00:00+09:00",
        "entry": [{"fullUrl": f"urn:uuid:{uuid(rnd)}", "resource": r} for r in entries],
    }
    print(json.dumps(bundle, ensure_ascii=False))


def uuid(rnd):
    h = "%032x" % rnd.getrandbits(128)
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


if __name__ == "__main__":
    main()
