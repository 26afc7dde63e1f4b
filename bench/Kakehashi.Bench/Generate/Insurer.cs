namespace Kakehashi.Bench.Generate;

/// <summary>An insurer (保険者): its 6- or 8-digit number, kind, name and the city it serves (国保, 後期高齢者).</summary>
public sealed record Insurer(string Id, string Number, InsurerKind Kind, string Name, Prefecture Prefecture, int CityIndex);
