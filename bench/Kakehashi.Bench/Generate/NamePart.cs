namespace Kakehashi.Bench.Generate;

/// <summary>A name part in kanji with its katakana reading.</summary>
public sealed record NamePart(string Kanji, string Kana);
