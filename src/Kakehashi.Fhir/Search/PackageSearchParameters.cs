namespace Kakehashi.Fhir.Search;

/// <summary>Registers the SearchParameters of FHIR packages (JP Core) found in a folder.</summary>
public static class PackageSearchParameters
{
    /// <summary>The packages whose search parameters the server offers, as named in its <c>packages</c> folder.</summary>
    public static readonly IReadOnlyList<string> Packages = ["jp-core.r4-1.1.2.tgz"];

    /// <summary>Adds the parameters of every listed package found under <paramref name="folder"/>; returns how many.</summary>
    public static int Register(SearchParameterRegistry registry, string folder)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var count = 0;
        foreach (var package in Packages)
        {
            var path = Path.Combine(folder, package);
            if (!File.Exists(path))
            {
                throw new FileNotFoundException($"The FHIR package {package} is missing from {folder}.", path);
            }

            using var stream = File.OpenRead(path);
            foreach (var parameter in SearchParameterResources.FromPackage(stream))
            {
                foreach (var definition in SearchParameterResources.ToDefinitions(parameter))
                {
                    registry.Add(definition);
                    count++;
                }
            }
        }

        return count;
    }
}
