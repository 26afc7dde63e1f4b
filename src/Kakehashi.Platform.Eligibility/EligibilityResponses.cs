using Hl7.Fhir.Model;

namespace Kakehashi.Platform.Eligibility;

/// <summary>
/// An <see cref="EligibilityResult"/> as a CoverageEligibilityResponse: the status in the
/// eligibility-status extension, <c>insurance.inforce</c> for the visit date, the qualification
/// and the public expenses as contained Coverages (showing only what the answer may show: no
/// limit category without consent), and the copay ratio as a <c>copay-percent</c> benefit.
/// </summary>
public static class EligibilityResponses
{
    public static CoverageEligibilityResponse ToFhir(EligibilityResult result, CoverageEligibilityRequest request, DateTimeOffset now)
    {
        var match = result.Match;
        var response = new CoverageEligibilityResponse
        {
            Id = Guid.NewGuid().ToString("D"),
            Extension = [new Extension(KnownEligibilitySystems.EligibilityStatusExtension, new Code(result.Status))],
            Status = FinancialResourceStatusCodes.Active,
            Purpose = [CoverageEligibilityResponse.EligibilityResponsePurpose.Validation],
            Patient = match?.Patient is { } patient
                ? new ResourceReference("Patient/" + patient.Id, patient.Name)
                : new ResourceReference { Display = Disposition(result.Status) },
            Serviced = new Date(EligibilityAnswers.Date(result.VisitDate)),
            CreatedElement = new FhirDateTime(now.ToOffset(EligibilityChecker.Japan)),
            Request = request.Identifier.FirstOrDefault() is { } identifier
                ? new ResourceReference { Identifier = identifier }
                : new ResourceReference { Display = "CoverageEligibilityRequest (not stored)" },
            Outcome = ClaimProcessingCodes.Complete,
            Disposition = Disposition(result.Status),
        };
        if (match is null)
        {
            response.Insurer = new ResourceReference { Display = "unknown" };
            return response;
        }

        var q = match.Qualification;
        response.Insurer = new ResourceReference { Identifier = new Identifier(KnownEligibilitySystems.InsurerNumber, q.Number.Insurer), Display = q.InsurerName };
        var coverage = new Coverage
        {
            Id = "qualification",
            Identifier = [new Identifier(KnownEligibilitySystems.InsuredMemberId, q.Number.ToString())],
            Status = FinancialResourceStatusCodes.Active,
            Beneficiary = new ResourceReference("Patient/" + q.PatientId),
            Dependent = q.Number.Branch,
            Period = new Period(new FhirDateTime(EligibilityAnswers.Date(q.ValidFrom)), q.ValidUntil is { } end ? new FhirDateTime(EligibilityAnswers.Date(end)) : null),
            Payor = [new ResourceReference { Identifier = new Identifier(KnownEligibilitySystems.InsurerNumber, q.Number.Insurer), Display = q.InsurerName }],
        };
        if (q.Number.Symbol.Length > 0)
        {
            coverage.Extension.Add(new Extension(KnownEligibilitySystems.SymbolExtension, new FhirString(q.Number.Symbol)));
        }

        coverage.Extension.Add(new Extension(KnownEligibilitySystems.NumberExtension, new FhirString(q.Number.Number)));
        coverage.Extension.Add(new Extension(KnownEligibilitySystems.BranchExtension, new FhirString(q.Number.Branch)));
        if (result.LimitCategoryShown && q.LimitCategory is { } limit)
        {
            coverage.Extension.Add(new Extension(KnownEligibilitySystems.LimitCategoryExtension,
                new Coding(KnownEligibilitySystems.LimitCategorySystem, limit, EligibilityCodes.LimitCategories[limit])));
        }

        foreach (var disease in q.SpecificDiseases)
        {
            coverage.Extension.Add(new Extension(KnownEligibilitySystems.SpecificDiseaseExtension,
                new Coding(KnownEligibilitySystems.SpecificDiseaseSystem, disease, EligibilityCodes.SpecificDiseases.GetValueOrDefault(disease))));
        }

        if (q.InsuranceType is { } type)
        {
            coverage.Type = new CodeableConcept(KnownEligibilitySystems.InsuranceCategory, type);
        }

        if (q.Relationship is { } relationship)
        {
            coverage.Relationship = new CodeableConcept { Coding = [new Coding { Code = relationship }] };
        }

        AddCopay(coverage, q.CopayPercent);
        response.Contained.Add(coverage);
        response.Insurance.Add(Insurance("#qualification", result.Status == EligibilityStatus.Valid, coverage.Period, q.CopayPercent));

        var index = 0;
        foreach (var expense in result.PublicExpenses)
        {
            var id = "public-expense-" + (++index).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var publicCoverage = new Coverage
            {
                Id = id,
                Status = FinancialResourceStatusCodes.Active,
                Type = new CodeableConcept(KnownEligibilitySystems.InsuranceCategory, "8"),
                SubscriberId = expense.RecipientNumber,
                Beneficiary = new ResourceReference("Patient/" + q.PatientId),
                Period = new Period(new FhirDateTime(EligibilityAnswers.Date(expense.ValidFrom)), expense.ValidUntil is { } last ? new FhirDateTime(EligibilityAnswers.Date(last)) : null),
                Payor = [new ResourceReference { Identifier = new Identifier(KnownEligibilitySystems.PublicPayerNumber, expense.PayerNumber) }],
            };
            AddCopay(publicCoverage, expense.CopayPercent);
            response.Contained.Add(publicCoverage);
            response.Insurance.Add(Insurance("#" + id, true, publicCoverage.Period, expense.CopayPercent));
        }

        return response;
    }

    private static CoverageEligibilityResponse.InsuranceComponent Insurance(string coverage, bool inforce, Period period, int? copay)
    {
        var insurance = new CoverageEligibilityResponse.InsuranceComponent
        {
            Coverage = new ResourceReference(coverage),
            Inforce = inforce,
            BenefitPeriod = period,
        };
        if (copay is { } percent)
        {
            insurance.Item.Add(new CoverageEligibilityResponse.ItemsComponent
            {
                Benefit =
                [
                    new CoverageEligibilityResponse.BenefitComponent
                    {
                        Type = new CodeableConcept("http://terminology.hl7.org/CodeSystem/benefit-type", "copay-percent"),
                        Allowed = new UnsignedInt(percent),
                    },
                ],
            });
        }

        return insurance;
    }

    private static void AddCopay(Coverage coverage, int? copay)
    {
        if (copay is { } percent)
        {
            coverage.CostToBeneficiary.Add(new Coverage.CostToBeneficiaryComponent
            {
                Type = new CodeableConcept(KnownEligibilitySystems.CopayType, "copaypct"),
                Value = new Quantity(percent, "%", "http://unitsofmeasure.org"),
            });
        }
    }

    private static string Disposition(string status) => status switch
    {
        EligibilityStatus.Valid => "資格有効 (valid)",
        EligibilityStatus.Expired => "資格喪失 (expired)",
        EligibilityStatus.NotYetValid => "資格取得前 (not yet valid)",
        EligibilityStatus.NotFound => "該当資格なし (not found)",
        EligibilityStatus.Ambiguous => "複数該当 (ambiguous)",
        _ => status,
    };
}
