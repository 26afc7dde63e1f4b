namespace Kakehashi.Platform.Audit;

/// <summary>Command-line audit tasks, run instead of the server.</summary>
public static class AuditCommands
{
    public static async Task<int> VerifyAsync(WebApplication app)
    {
        var result = await app.Services.GetRequiredService<AuditLog>().VerifyAsync(CancellationToken.None);
        await Console.Out.WriteLineAsync((result.Intact ? "OK: " : "TAMPERED: ") + result.Message);
        return result.Intact ? 0 : 2;
    }
}
