namespace Kakehashi.Bench.Generate;

/// <summary>A doctor, dentist or pharmacist of an institution, with their staff number there.</summary>
public sealed record StaffMember(string Id, NamePart Family, NamePart Given, bool Female, string StaffNumber, string Qualification);
