namespace Kakehashi.Bench.Generate;

/// <summary>A hospital, clinic, dental clinic or pharmacy with its 10-digit code and staff.</summary>
public sealed record Institution(string Id, string Code, InstitutionKind Kind, string Name, Prefecture Prefecture, int CityIndex, string Address, IReadOnlyList<StaffMember> Staff);
