using Microsoft.Extensions.Options;

namespace Kakehashi.Platform.Hosting;

public static class OptionsExtensions
{
    public static WebApplicationBuilder AddKakehashiOptions(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<KakehashiOptions>()
            .Bind(builder.Configuration.GetSection(KakehashiOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<KakehashiOptions>, KakehashiOptionsValidator>();
        return builder;
    }
}
