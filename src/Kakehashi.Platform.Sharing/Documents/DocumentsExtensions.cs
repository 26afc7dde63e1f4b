using Kakehashi.Platform.Endpoints;

namespace Kakehashi.Platform.Sharing.Documents;

/// <summary>The shared documents' services and endpoints, called from <see cref="SharingExtensions"/>.</summary>
public static class DocumentsExtensions
{
    public static IServiceCollection AddSharingDocuments(this IServiceCollection services)
    {
        services.AddSingleton<DocumentStore>();
        services.AddSingleton<DocumentService>();
        return services;
    }

    public static WebApplication MapSharingDocuments(this WebApplication app)
    {
        app.MapGuardedGroup("/sharing").MapDocumentEndpoints();
        return app;
    }
}
