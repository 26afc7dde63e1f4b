namespace Kakehashi.Platform.Services;

/// <summary>The drug master's answer for one drug code.</summary>
/// <param name="Verdict">Known, unknown, or outside the master's systems.</param>
/// <param name="Message">
/// For <see cref="DrugCodeVerdict.Unknown"/> why, for the sender; for a <see cref="DrugCodeVerdict.Known"/>
/// code checked only in part (its drug is listed, its product is not) what was checked; else null.
/// Each names the master version that answered.
/// </param>
public sealed record DrugCodeAnswer(DrugCodeVerdict Verdict, string? Message);
