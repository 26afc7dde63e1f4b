using System.Text;
using Kakehashi.Fhir.Errors;

namespace Kakehashi.Platform.Eligibility;

/// <summary>One row of an upload as read from the file: an NDJSON line, or a CSV record with its header.</summary>
public sealed record UploadRow(int Row, int Line, string? Json, Dictionary<string, string?>? Values, FhirException? Error);

/// <summary>Splits an uploaded file into rows: NDJSON (one FHIR resource per line) or CSV (docs/eligibility.md).</summary>
public static class UploadRows
{
    public const string Ndjson = "ndjson";
    public const string Csv = "csv";

    /// <summary>The format a Content-Type names, or null.</summary>
    public static string? Format(string? contentType)
    {
        var type = (contentType ?? "").Split(';')[0].Trim().ToLowerInvariant();
        return type switch
        {
            "text/csv" => Csv,
            "application/fhir+ndjson" or "application/x-ndjson" or "application/ndjson" => Ndjson,
            _ => null,
        };
    }

    /// <summary>The text of an upload; 400 unless it is UTF-8.</summary>
    public static string Text(byte[] input)
    {
        try
        {
            return new UTF8Encoding(false, true).GetString(input);
        }
        catch (DecoderFallbackException)
        {
            throw FhirException.BadRequest("The file is not UTF-8 text.");
        }
    }

    /// <summary>Every row, numbered from 1; a CSV header that is not the documented layout is a 400 (the whole file is refused).</summary>
    public static IEnumerable<UploadRow> Read(string format, string text)
    {
        if (format == Ndjson)
        {
            var row = 0;
            var line = 0;
            foreach (var raw in text.Split('\n'))
            {
                line++;
                var json = raw.TrimEnd('\r');
                if (json.Trim().Length == 0)
                {
                    continue;
                }

                yield return new UploadRow(++row, line, json, null, null);
            }

            yield break;
        }

        Dictionary<string, int>? header = null;
        var number = 0;
        foreach (var (line, fields) in CsvRecords.Read(text))
        {
            if (header is null)
            {
                header = QualificationCsv.Header(fields);
                continue;
            }

            number++;
            Dictionary<string, string?>? values = null;
            FhirException? error = null;
            try
            {
                values = QualificationCsv.Values(header, fields, line);
            }
            catch (FhirException e)
            {
                error = e;
            }

            yield return new UploadRow(number, line, null, values, error);
        }

        if (header is null)
        {
            throw FhirException.BadRequest("The CSV file is empty: it needs a header row and one row per insured person.");
        }
    }
}
