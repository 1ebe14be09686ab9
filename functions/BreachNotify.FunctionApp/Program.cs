using BreachNotify.FunctionApp.Hosting;

// One executable, two ways to run: started by the Azure Functions host it is an isolated worker; started on its own it
// serves the same functions as a plain ASP.NET Core app on :7071 (see HostingMode).
if (HostingMode.Detect(args, Environment.GetEnvironmentVariable).UnderFunctionsHost)
    FunctionsWorker.CreateBuilder(args).Build().Run();
else
    StandaloneHost.Build(args).Run();

/// <summary>Entry point; partial so WebApplicationFactory tests can reference it.</summary>
public partial class Program;
