using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Kakehashi.Fhir.Errors;

namespace Kakehashi.Platform.Sharing.Documents;

/// <summary>
/// Composes a referral letter (JP_Bundle_eReferral) from the form's fields, the platform's Patient
/// and the caller's institution and name: the Composition with its 紹介元 (920), 紹介先 (910) and
/// structured (300) sections, the purpose as an Encounter's reason, each diagnosis as a Condition
/// (text only: the form carries no disease codes), the free texts as section narratives.
/// </summary>
public static class ReferralComposer
{
    private const string SectionSystem = "http://jpfhir.jp/fhir/clins/CodeSystem/document-section";
    private const string Ecs = "http://jpfhir.jp/fhir/eCS/StructureDefinition/";

    public static JsonObject Compose(ReferralRequest form, JsonObject patient, string senderCode, string senderName, string authorName, DateTimeOffset now)
    {
        var recipient = form.RecipientInstitution?.Trim() ?? "";
        if (recipient.Length != 10 || !recipient.All(char.IsAsciiDigit))
        {
            throw FhirException.BadRequest("recipientInstitution is the 10-digit institution code of the 紹介先.", "recipientInstitution");
        }

        if (string.IsNullOrWhiteSpace(form.Purpose))
        {
            throw FhirException.BadRequest("purpose (紹介目的) is required.", "purpose");
        }

        var time = now.ToOffset(TimeSpan.FromHours(9));
        var stamp = time.ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture);
        var entries = new JsonArray();
        string Add(JsonObject resource)
        {
            var url = "urn:uuid:" + Guid.NewGuid().ToString("D");
            entries.Add(new JsonObject { ["fullUrl"] = url, ["resource"] = resource });
            return url;
        }

        var composition = new JsonObject();
        Add(composition);
        var patientUrl = Add(Patient(patient, stamp));
        var senderOrg = Add(Organization(senderCode, senderName, null, stamp));
        var author = Add(Practitioner(authorName, stamp));
        var recipientOrg = Add(Organization(recipient, form.RecipientInstitutionName, form.RecipientDepartment, stamp));
        var toSection = new JsonArray(Ref(recipientOrg, "Organization"));
        if (!string.IsNullOrWhiteSpace(form.RecipientDoctor))
        {
            toSection.Add(Ref(Add(Practitioner(form.RecipientDoctor!, stamp)), "Practitioner"));
        }

        var purpose = Add(new JsonObject
        {
            ["resourceType"] = "Encounter",
            ["meta"] = Meta(Ecs + "JP_Encounter_eCS", stamp),
            ["status"] = "finished",
            ["class"] = new JsonObject { ["system"] = "http://terminology.hl7.org/CodeSystem/v3-ActCode", ["code"] = "AMB" },
            ["reasonCode"] = new JsonArray(new JsonObject { ["text"] = form.Purpose!.Trim() }),
        });
        var structured = new JsonArray(Section("紹介目的", "950", form.Purpose!, Ref(purpose, "Encounter")));
        // 傷病名・主訴 (340) and 現病歴 (360) are required by the profile: written even when the form leaves them empty.
        var diagnoses = (form.Diagnoses ?? []).Where(d => !string.IsNullOrWhiteSpace(d)).Select(d => d.Trim()).ToList();
        var problems = diagnoses.Select(d => (JsonNode)Ref(Add(Condition(d, patientUrl, stamp)), "Condition")).ToArray();
        structured.Add(Section("傷病名・主訴", "340", diagnoses.Count > 0 ? string.Join("、", diagnoses) : "記載なし", problems));
        structured.Add(Section("現病歴", "360", string.IsNullOrWhiteSpace(form.ClinicalCourse) ? "記載なし" : form.ClinicalCourse!));
        if (!string.IsNullOrWhiteSpace(form.Medications))
        {
            structured.Add(Section("処方", "430", form.Medications!));
        }

        composition["resourceType"] = "Composition";
        composition["meta"] = Meta("http://jpfhir.jp/fhir/eReferral/StructureDefinition/JP_Composition_eReferral", stamp);
        composition["extension"] = new JsonArray(new JsonObject { ["url"] = "http://hl7.org/fhir/StructureDefinition/composition-clinicaldocument-versionNumber", ["valueString"] = "1" });
        composition["identifier"] = new JsonObject { ["system"] = "http://jpfhir.jp/fhir/core/IdSystem/resourceInstance-identifier", ["value"] = senderCode + "-" + time.Year + "-" + Guid.NewGuid().ToString("N")[..12] };
        composition["status"] = "final";
        composition["type"] = new JsonObject { ["coding"] = new JsonArray(Coding("http://jpfhir.jp/fhir/Common/CodeSystem/doc-typecodes", "57133-1", "診療情報提供書")) };
        composition["category"] = new JsonArray(new JsonObject { ["coding"] = new JsonArray(Coding("http://jpfhir.jp/fhir/Common/CodeSystem/doc-subtypecodes", "OUTPATIENT", "外来文書")) });
        composition["subject"] = Ref(patientUrl, "Patient");
        composition["encounter"] = Ref(purpose, "Encounter");
        composition["date"] = stamp;
        composition["author"] = new JsonArray(Ref(author, "Practitioner"), Ref(senderOrg, "Organization"));
        composition["title"] = "診療情報提供書";
        composition["custodian"] = Ref(senderOrg, "Organization");
        composition["event"] = new JsonArray(new JsonObject
        {
            ["code"] = new JsonArray(new JsonObject { ["text"] = "診療情報提供書発行" }),
            ["period"] = new JsonObject { ["start"] = time.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) },
        });
        composition["section"] = new JsonArray(
            Section("紹介元情報", "920", null, Ref(senderOrg, "Organization"), Ref(author, "Practitioner")),
            Section("紹介先情報", "910", null, [.. toSection.Select(n => n!.DeepClone())]),
            new JsonObject { ["title"] = "構造情報", ["code"] = new JsonObject { ["coding"] = new JsonArray(Coding(SectionSystem, "300", "構造情報セクション")) }, ["section"] = structured });
        if (!string.IsNullOrWhiteSpace(form.Remarks))
        {
            composition["section"]!.AsArray().Add(Section("備考・連絡情報", "220", form.Remarks!));
        }

        return new JsonObject
        {
            ["resourceType"] = "Bundle",
            ["meta"] = Meta("http://jpfhir.jp/fhir/clins/StructureDefinition/JP_Bundle_eReferral", stamp),
            ["identifier"] = new JsonObject { ["system"] = "http://jpfhir.jp/fhir/clins/bundle-identifier", ["value"] = senderCode + "^" + time.Year + "^" + Guid.NewGuid().ToString("N")[..12] },
            ["type"] = "document",
            ["timestamp"] = stamp,
            ["entry"] = entries,
        };
    }

    private static JsonObject Patient(JsonObject stored, string stamp)
    {
        var patient = new JsonObject { ["resourceType"] = "Patient", ["meta"] = Meta(Ecs + "JP_Patient_eCS", stamp) };
        foreach (var field in new[] { "identifier", "name", "gender", "birthDate", "address" })
        {
            if (stored[field] is { } value)
            {
                patient[field] = value.DeepClone();
            }
        }

        return patient;
    }

    private static JsonObject Organization(string code, string? name, string? department, string stamp)
    {
        var organization = new JsonObject
        {
            ["resourceType"] = "Organization",
            ["meta"] = Meta(Ecs + "JP_Organization_eCS", stamp),
            ["identifier"] = new JsonArray(new JsonObject { ["system"] = DocumentReader.InstitutionNumberSystem, ["value"] = code }),
            ["extension"] = new JsonArray(
                new JsonObject
                {
                    ["url"] = "http://jpfhir.jp/fhir/core/Extension/StructureDefinition/JP_Organization_PrefectureNo",
                    ["valueCoding"] = Coding("http://jpfhir.jp/fhir/core/mhlw/CodeSystem/PrefectureNo-2digits", code[..2], null),
                },
                new JsonObject
                {
                    ["url"] = "http://jpfhir.jp/fhir/core/Extension/StructureDefinition/JP_Organization_InsuranceOrganizationCategory",
                    ["valueCoding"] = Coding("http://jpfhir.jp/fhir/core/mhlw/CodeSystem/MedicationFeeScoreType", code[2..3], null),
                },
                new JsonObject
                {
                    ["url"] = "http://jpfhir.jp/fhir/core/Extension/StructureDefinition/JP_Organization_InsuranceOrganizationNo",
                    ["valueIdentifier"] = new JsonObject { ["system"] = "http://jpfhir.jp/fhir/core/IdSystem/insurance-medical-institution-no", ["value"] = code },
                }),
            ["type"] = new JsonArray(new JsonObject { ["coding"] = new JsonArray(Coding("http://terminology.hl7.org/CodeSystem/organization-type", "prov", null)) }),
            ["name"] = string.IsNullOrWhiteSpace(name) ? code : name!.Trim(),
        };
        if (!string.IsNullOrWhiteSpace(department))
        {
            organization["alias"] = new JsonArray(department!.Trim());
        }

        return organization;
    }

    private static JsonObject Practitioner(string name, string stamp) => new()
    {
        ["resourceType"] = "Practitioner",
        ["meta"] = Meta(Ecs + "JP_Practitioner_eCS", stamp),
        ["name"] = new JsonArray(new JsonObject
        {
            ["extension"] = new JsonArray(new JsonObject { ["url"] = "http://hl7.org/fhir/StructureDefinition/iso21090-EN-representation", ["valueCode"] = "IDE" }),
            ["use"] = "official",
            ["text"] = name.Trim(),
        }),
    };

    private static JsonObject Condition(string text, string patient, string stamp) => new()
    {
        ["resourceType"] = "Condition",
        ["meta"] = Meta(Ecs + "JP_Condition_eCS", stamp),
        ["clinicalStatus"] = new JsonObject { ["coding"] = new JsonArray(Coding("http://terminology.hl7.org/CodeSystem/condition-clinical", "active", null)) },
        ["verificationStatus"] = new JsonObject { ["coding"] = new JsonArray(Coding("http://terminology.hl7.org/CodeSystem/condition-ver-status", "confirmed", null)) },
        ["category"] = new JsonArray(new JsonObject { ["coding"] = new JsonArray(Coding("http://terminology.hl7.org/CodeSystem/condition-category", "problem-list-item", null)) }),
        ["code"] = new JsonObject { ["text"] = text },
        ["subject"] = new JsonObject { ["reference"] = patient },
    };

    private static JsonObject Section(string title, string code, string? text, params JsonNode[] entries)
    {
        var section = new JsonObject { ["title"] = title };
        if (text is not null)
        {
            section["text"] = new JsonObject { ["status"] = "additional", ["div"] = "<div xmlns=\"http://www.w3.org/1999/xhtml\">" + WebUtility.HtmlEncode(text.Trim()) + "</div>" };
        }

        section["code"] = new JsonObject { ["coding"] = new JsonArray(Coding(SectionSystem, code, null)) };
        if (entries.Length > 0)
        {
            section["entry"] = new JsonArray(entries);
        }

        return section;
    }

    private static JsonObject Meta(string profile, string stamp) => new() { ["lastUpdated"] = stamp, ["profile"] = new JsonArray(profile) };

    private static JsonObject Ref(string url, string type) => new() { ["reference"] = url, ["type"] = type };

    private static JsonObject Coding(string system, string code, string? display)
    {
        var coding = new JsonObject { ["system"] = system, ["code"] = code };
        if (display is not null)
        {
            coding["display"] = display;
        }

        return coding;
    }
}
