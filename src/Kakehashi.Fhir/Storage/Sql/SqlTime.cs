namespace Kakehashi.Fhir.Storage.Sql;

/// <summary>Instants are stored as microseconds since the Unix epoch so both databases compare them as integers.</summary>
public static class SqlTime
{
    public static long ToMicros(DateTimeOffset value) => (value.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;

    public static DateTimeOffset FromMicros(long micros) => new(DateTimeOffset.UnixEpoch.UtcTicks + (micros * 10), TimeSpan.Zero);
}
