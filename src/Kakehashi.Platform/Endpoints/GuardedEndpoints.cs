namespace Kakehashi.Platform.Endpoints;

/// <summary>
/// Mapping JSON endpoints outside the FHIR API behind the <see cref="EndpointAccessFilter"/>:
/// a guarded group runs every endpoint through it, and each endpoint declares its
/// <see cref="EndpointAccess"/>. An endpoint of such a group without one is refused.
/// </summary>
public static class GuardedEndpoints
{
    /// <summary>A route group whose every endpoint goes through the access and audit filter.</summary>
    public static RouteGroupBuilder MapGuardedGroup(this IEndpointRouteBuilder app, string prefix)
    {
        var group = app.MapGroup(prefix);
        // One convention adds both, so that the marker the endpoint test looks for proves the filter is there.
        ((IEndpointConventionBuilder)group).Add(endpoint =>
        {
            endpoint.Metadata.Add(GuardedEndpoint.Instance);
            endpoint.FilterFactories.Add((_, next) => invocation => EndpointAccessFilter.InvokeAsync(invocation, next));
        });
        return group;
    }

    /// <summary>Declares what the endpoint stands for.</summary>
    public static TBuilder RequireAccess<TBuilder>(this TBuilder builder, EndpointAccess access)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(access);
}

/// <summary>Endpoint metadata: the endpoint runs behind the <see cref="EndpointAccessFilter"/>.</summary>
public sealed class GuardedEndpoint
{
    public static readonly GuardedEndpoint Instance = new();

    private GuardedEndpoint()
    {
    }
}
