using System.Globalization;
using Hl7.Fhir.Model;
using Kakehashi.Fhir.Interactions;
using Kakehashi.Fhir.Storage;
using Kakehashi.Platform.Sharing.ClinicalItems;

namespace Kakehashi.Platform.Sharing.Summary;

/// <summary>
/// A summary as a FHIR <c>document</c> Bundle generated on demand: a Composition with one section
/// per group of items (each section's narrative lists them in Japanese), the Patient, and the
/// items themselves with their source institutions, spliced in as stored. Entries are addressed
/// by stable <c>urn:uuid</c>s derived from the stored ids, so the same data gives the same document.
/// </summary>
public static class SummaryDocument
{
    public sealed record Section(string Title, string Code, IReadOnlyList<SharedItem> Items);

    public static BundleResult Build(string title, string typeCode, string typeDisplay, StoredResource patient, IReadOnlyList<Section> sections, DateTimeOffset now)
    {
        var patientUrl = Urn(patient.Key);
        var composition = new Composition
        {
            Status = CompositionStatus.Final,
            Type = new CodeableConcept("http://loinc.org", typeCode, typeDisplay),
            Subject = new ResourceReference(patientUrl),
            Date = now.ToOffset(JapanTime.Offset).ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture),
            Author = [new ResourceReference { Display = "架け橋 全国医療情報プラットフォーム（電子カルテ情報共有サービス）" }],
            Title = title,
            Language = "ja",
        };
        var bundle = new BundleResult
        {
            Type = Bundle.BundleType.Document,
            Identifier = new Identifier("urn:ietf:rfc:3986", "urn:uuid:" + Guid.NewGuid()),
            Timestamp = now,
        };
        bundle.Entries.Add(new BundleResultEntry { FullUrl = Urn("Composition/" + title + "/" + patient.Id), Resource = composition });
        bundle.Entries.Add(new BundleResultEntry { FullUrl = patientUrl, Stored = patient });
        var added = new HashSet<string>(StringComparer.Ordinal);
        foreach (var section in sections)
        {
            var part = new Composition.SectionComponent
            {
                Title = section.Title,
                Code = new CodeableConcept(ClinicalItemKind.TagSystem, section.Code, section.Title),
                Text = NarrativeOf(section),
            };
            if (section.Items.Count == 0)
            {
                part.EmptyReason = new CodeableConcept("http://terminology.hl7.org/CodeSystem/list-empty-reason", "nilknown", "なし");
            }

            foreach (var item in section.Items)
            {
                var url = Urn(item.Item.Key);
                part.Entry.Add(new ResourceReference(url));
                if (added.Add(url))
                {
                    bundle.Entries.Add(new BundleResultEntry { FullUrl = url, Stored = item.Shown });
                }
            }

            composition.Section.Add(part);
        }

        return bundle;
    }

    private static Narrative NarrativeOf(Section section)
    {
        var lines = section.Items.Select(shared =>
        {
            var item = shared.Item;
            var text = System.Security.SecurityElement.Escape(item.Label);
            var day = item.Day is { } d ? $"{d.Year}年{d.Month}月{d.Day}日 " : "";
            var notice = item.NotYetTold ? "（未告知）" : "";
            var sources = shared.Sources.Count > 0 ? string.Join("、", shared.Sources) : "不明";
            return $"<li>{day}{text}{notice}（{System.Security.SecurityElement.Escape(sources)}）</li>";
        });
        return new Narrative
        {
            Status = Narrative.NarrativeStatus.Generated,
            // An empty list is no content, which a narrative must have (txt-2).
            Div = section.Items.Count == 0
                ? "<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>なし</p></div>"
                : $"<div xmlns=\"http://www.w3.org/1999/xhtml\"><ul>{string.Concat(lines)}</ul></div>",
        };
    }

    private static string Urn(string source) => StableUrn.For(source);
}
