using System.Diagnostics;
using Kakehashi.Fhir.Conformance;

namespace Kakehashi.Fhir.Tests.Conformance;

public sealed class FhirPackageCatalogTests
{
    [Fact]
    public void Load_IndexesEveryShippedPackage()
    {
        var catalog = FhirPackageCatalog.Load(JpData.PackageFolder, JpData.CacheFolder);
        Assert.Equal(7, catalog.Packages.Count);
        Assert.Contains("jp-core.r4#1.1.2", catalog.Packages);
        Assert.Contains("jp-core.r4#1.1.2-url", catalog.Packages);
        Assert.True(catalog.Resources.Count > 1000);
        Assert.NotNull(catalog.Find("http://jpfhir.jp/fhir/core/StructureDefinition/JP_Patient"));
        Assert.Null(catalog.Find("http://example.org/not-there"));
    }

    [Fact]
    public void Load_SecondTime_ReadsTheIndexOnly_AndIsFast()
    {
        var cache = Path.Combine(Path.GetTempPath(), "kakehashi-catalog-test-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var first = FhirPackageCatalog.Load(JpData.PackageFolder, cache);
            var watch = Stopwatch.StartNew();
            var second = FhirPackageCatalog.Load(JpData.PackageFolder, cache);
            watch.Stop();
            Assert.Equal(first.Resources.Count, second.Resources.Count);
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"re-indexing took {watch.Elapsed}");
        }
        finally
        {
            Directory.Delete(cache, recursive: true);
        }
    }

    [Fact]
    public void Find_SameUrlInTwoPackages_FirstByDefault_LastOnRequest()
    {
        var catalog = FhirPackageCatalog.Load(JpData.PackageFolder, JpData.CacheFolder);
        Assert.True(catalog.HasVariants);
        var first = catalog.Find("http://jpfhir.jp/fhir/core/StructureDefinition/JP_MedicationRequest")!;
        var last = catalog.Find("http://jpfhir.jp/fhir/core/StructureDefinition/JP_MedicationRequest", preferLast: true)!;
        Assert.Equal("jp-core.r4#1.1.2-url", first.Package);
        Assert.Equal("jp-core.r4#1.1.2", last.Package);
    }

    [Fact]
    public void Load_MissingFolder_SaysWhich()
    {
        var e = Assert.Throws<DirectoryNotFoundException>(() => FhirPackageCatalog.Load("/no/such/folder", JpData.CacheFolder));
        Assert.Contains("/no/such/folder", e.Message, StringComparison.Ordinal);
    }
}
