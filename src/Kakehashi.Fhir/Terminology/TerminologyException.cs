namespace Kakehashi.Fhir.Terminology;

/// <summary>Why a terminology question could not be answered.</summary>
public enum TerminologyProblem
{
    UnknownCodeSystem,
    UnknownValueSet,
    UnknownConceptMap,

    /// <summary>The value set draws on a code system whose content this server does not hold (LOINC, JLAC10…).</summary>
    NotExpandable,

    /// <summary>The expansion would exceed <see cref="TerminologyService.MaxExpansionSize"/> codes.</summary>
    TooCostly,
}

/// <summary>A terminology question the server cannot answer; the operations turn it into 404 or 422.</summary>
public sealed class TerminologyException(TerminologyProblem problem, string message) : Exception(message)
{
    public TerminologyProblem Problem { get; } = problem;
}
