using BreachNotify.Application.Register;
using BreachNotify.FunctionApp.Features.Dashboard;
using Microsoft.Extensions.Options;

namespace BreachNotify.FunctionApp.Composition;

public static class DashboardComposition
{
    /// <summary>The web dashboard's static files, the breach register and the organisation's time zone.</summary>
    public static IServiceCollection AddDashboard(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(new UiAssets(typeof(DashboardComposition).Assembly));
        services.AddSingleton<BreachRegister>();
        return services;
    }
}
