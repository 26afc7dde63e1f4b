using System.Net;
using Hl7.Fhir.Model;
using Kakehashi.Fhir.Errors;

namespace Kakehashi.Platform.Eligibility;

/// <summary>
/// The CSV layout of a qualification upload (docs/eligibility.md): one insured person per row,
/// a header row naming the columns (any order). <see cref="Columns"/> are all the columns;
/// <see cref="Required"/> must be present and filled.
/// </summary>
public static class QualificationCsv
{
    public static readonly IReadOnlyList<string> Columns =
    [
        "insurer_number", "symbol", "number", "branch", "birth_date", "family_name", "given_name", "family_name_kana", "given_name_kana", "sex",
        "relationship", "insurance_type", "valid_from", "valid_until", "copay_percent", "limit_category", "specific_diseases", "status",
        "public_payer_number", "public_recipient_number", "public_valid_from", "public_valid_until", "public_copay_percent",
        "card_issuer", "card_serial",
    ];

    public static readonly IReadOnlyList<string> Required = ["insurer_number", "number", "branch", "birth_date", "family_name", "valid_from"];

    /// <summary>Checks the header row; 400 naming unknown or missing columns.</summary>
    public static Dictionary<string, int> Header(List<string> header)
    {
        var map = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < header.Count; i++)
        {
            var name = header[i].Trim();
            if (!Columns.Contains(name))
            {
                throw FhirException.BadRequest($"Unknown CSV column '{name}'. The columns are: {string.Join(", ", Columns)}.");
            }

            if (!map.TryAdd(name, i))
            {
                throw FhirException.BadRequest($"The CSV column '{name}' appears twice.");
            }
        }

        var missing = Required.Where(r => !map.ContainsKey(r)).ToList();
        return missing.Count == 0 ? map : throw FhirException.BadRequest($"The CSV header lacks the required columns {string.Join(", ", missing)}.");
    }

    /// <summary>A row's values by column name (absent columns and empty fields are null).</summary>
    public static Dictionary<string, string?> Values(Dictionary<string, int> header, List<string> fields, int line)
    {
        if (fields.Count != header.Count)
        {
            throw Row($"Line {line} has {fields.Count} fields; the header has {header.Count}.");
        }

        var values = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var column in Columns)
        {
            values[column] = header.TryGetValue(column, out var index) && fields[index].Trim() is { Length: > 0 } value ? value : null;
        }

        var empty = Required.Where(r => values[r] is null).ToList();
        return empty.Count == 0 ? values : throw Row($"Line {line} leaves required columns empty: {string.Join(", ", empty)}.");
    }

    /// <summary>The Patient of a row: <paramref name="existing"/> updated (name, birth date, sex) or a new one.</summary>
    public static Patient Patient(Dictionary<string, string?> v, Patient? existing, string memberId)
    {
        var patient = existing ?? new Patient { Identifier = [new Identifier(KnownEligibilitySystems.InsuredMemberId, memberId)] };
        patient.Name.RemoveAll(n => true);
        patient.Name.Add(Name(v["family_name"]!, v["given_name"], "IDE"));
        if (v["family_name_kana"] is { } kana)
        {
            patient.Name.Add(Name(kana, v["given_name_kana"], "SYL"));
        }

        patient.BirthDate = v["birth_date"];
        if (!Date.IsValidValue(patient.BirthDate!) || patient.BirthDate!.Length != 10)
        {
            throw Row($"birth_date '{patient.BirthDate}' is not a date (YYYY-MM-DD).");
        }

        patient.Gender = v["sex"] switch
        {
            null => patient.Gender,
            "male" or "1" => AdministrativeGender.Male,
            "female" or "2" => AdministrativeGender.Female,
            "other" => AdministrativeGender.Other,
            "unknown" or "9" => AdministrativeGender.Unknown,
            var other => throw Row($"sex '{other}' is not male, female, other or unknown (or 1, 2, 9)."),
        };
        return patient;
    }

    /// <summary>The qualification of a row as a JP Core Coverage, keeping the card link of <paramref name="existing"/> unless the row names a card.</summary>
    public static Coverage Coverage(Dictionary<string, string?> v, InsuredNumber number, string patientId, Coverage? existing)
    {
        var coverage = new Coverage
        {
            Identifier = [new Identifier(KnownEligibilitySystems.InsuredMemberId, number.ToString())],
            Status = v["status"] switch
            {
                null or "active" => FinancialResourceStatusCodes.Active,
                "cancelled" => FinancialResourceStatusCodes.Cancelled,
                var other => throw Row($"status '{other}' is not active or cancelled."),
            },
            Beneficiary = new ResourceReference("Patient/" + patientId),
            Period = new Period(new FhirDateTime(v["valid_from"]!), v["valid_until"] is { } until ? new FhirDateTime(until) : null),
            Payor = [new ResourceReference { Identifier = new Identifier(KnownEligibilitySystems.InsurerNumber, number.Insurer) }],
        };
        if (v["insurance_type"] is { } type)
        {
            coverage.Type = new CodeableConcept(KnownEligibilitySystems.InsuranceCategory, type);
        }

        if (v["relationship"] is { } relationship)
        {
            coverage.Relationship = relationship is "1" or "2"
                ? new CodeableConcept("http://jpfhir.jp/fhir/core/mhlw/CodeSystem/InsuredPersonCategory", relationship, relationship == "1" ? "被保険者" : "被扶養者")
                : throw Row($"relationship '{relationship}' is not 1 (被保険者) or 2 (被扶養者).");
        }

        if (v["copay_percent"] is { } copay)
        {
            coverage.CostToBeneficiary.Add(Copay(copay, "copay_percent"));
        }

        if (v["limit_category"] is { } limit)
        {
            coverage.Extension.Add(new Extension(KnownEligibilitySystems.LimitCategoryExtension, new Coding(KnownEligibilitySystems.LimitCategorySystem, limit)));
        }

        foreach (var disease in (v["specific_diseases"] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            coverage.Extension.Add(new Extension(KnownEligibilitySystems.SpecificDiseaseExtension, new Coding(KnownEligibilitySystems.SpecificDiseaseSystem, disease)));
        }

        if (v["card_serial"] is not null || v["card_issuer"] is not null)
        {
            coverage.Identifier.Add(new Identifier(KnownEligibilitySystems.CardCertificate, v["card_serial"]) { Assigner = new ResourceReference { Display = v["card_issuer"] } });
        }
        else if (existing?.Identifier.FirstOrDefault(i => i.System == KnownEligibilitySystems.CardCertificateHash) is { } card)
        {
            coverage.Identifier.Add(card);
        }

        return coverage;
    }

    /// <summary>The public expense of a row, or null when the row has none.</summary>
    public static Coverage? PublicExpense(Dictionary<string, string?> v, string patientId)
    {
        if (v["public_payer_number"] is not { } payer)
        {
            return v["public_recipient_number"] is null ? null : throw Row("public_recipient_number needs public_payer_number.");
        }

        var coverage = new Coverage
        {
            Status = FinancialResourceStatusCodes.Active,
            Type = new CodeableConcept(KnownEligibilitySystems.InsuranceCategory, "8"),
            SubscriberId = v["public_recipient_number"],
            Beneficiary = new ResourceReference("Patient/" + patientId),
            Period = new Period(new FhirDateTime(v["public_valid_from"] ?? throw Row("public_valid_from is required with a public expense.")),
                v["public_valid_until"] is { } until ? new FhirDateTime(until) : null),
            Payor = [new ResourceReference { Identifier = new Identifier(KnownEligibilitySystems.PublicPayerNumber, payer) }],
        };
        if (v["public_copay_percent"] is { } copay)
        {
            coverage.CostToBeneficiary.Add(Copay(copay, "public_copay_percent"));
        }

        return coverage;
    }

    private static HumanName Name(string family, string? given, string representation)
    {
        var name = new HumanName { Family = family, Text = given is null ? family : family + " " + given };
        if (given is not null)
        {
            name.Given = [given];
        }

        name.Extension.Add(new Extension("http://hl7.org/fhir/StructureDefinition/iso21090-EN-representation", new Code(representation)));
        return name;
    }

    private static Coverage.CostToBeneficiaryComponent Copay(string text, string column) =>
        decimal.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var value)
            ? new Coverage.CostToBeneficiaryComponent
            {
                Type = new CodeableConcept(KnownEligibilitySystems.CopayType, "copaypct"),
                Value = new Quantity(value, "%", "http://unitsofmeasure.org"),
            }
            : throw Row($"{column} '{text}' is not a whole percentage.");

    private static FhirException Row(string message) => new(HttpStatusCode.UnprocessableEntity, OperationOutcome.IssueType.Invalid, message);
}
