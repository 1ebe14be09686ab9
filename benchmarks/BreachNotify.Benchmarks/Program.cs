// Measured commands that print figures (never timed unit tests). Usage:
//   dotnet run -c Release --project benchmarks/BreachNotify.Benchmarks -- <name> [args]
var name = args.Length > 0 ? args[0] : "";
var rest = args.Skip(1).ToArray();
switch (name)
{
    // Each feature adds one case here, pointing at its own RunAsync(string[]).
    case "tables":
        await BreachNotify.Benchmarks.Tables.TablesBenchmark.RunAsync(rest);
        return 0;
    case "webhooks" when rest.Contains("--flood"):
        await BreachNotify.Benchmarks.Webhooks.WebhookFloodBenchmark.RunAsync(rest);
        return 0;
    case "webhooks":
        await BreachNotify.Benchmarks.Webhooks.WebhookIntakeBenchmark.RunAsync(rest);
        return 0;
    case "deadlines": await BreachNotify.Benchmarks.Deadlines.DeadlineWatchBenchmark.RunAsync(rest); return 0;
    case "notices": await BreachNotify.Benchmarks.Notices.NoticesBenchmark.RunAsync(rest); return 0;
    case "notices-azurite": await BreachNotify.Benchmarks.Notices.NoticesOnTablesBenchmark.RunAsync(rest); return 0;
    case "sending": await BreachNotify.Benchmarks.Sending.SendingBenchmark.RunAsync(rest); return 0;
    default:
        Console.WriteLine("Benchmarks: pass a name. Known: tables, webhooks, deadlines, notices, notices-azurite, sending");
        return 1;
}
