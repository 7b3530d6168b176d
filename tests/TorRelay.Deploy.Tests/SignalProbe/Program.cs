using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TorRelay.Host.CommandLine;
using TorRelay.Host.Config;
using TorRelay.Host.Signals;
using TorRelay.Host.Systemd;

// A host composed as torrelay's Program.cs composes it (DisableDefaults, sd_notify, tor's signals, a PidFile, a
// torrc reload), with a stand-in relay that "listens" at once. Args: TORRC PIDFILE. Prints events on stdout.
string torrc = args[0];
string pidPath = args[1];
var cmd = CommandLineOptions.Parse(["-f", torrc]);
var options = ConfigLoader.Load(cmd, new List<string>());

var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
builder.Services.AddSystemdNotify();
builder.Services.AddSingleton<IReloadHandler>(sp => new ConfigReloadHandler(
    () => ConfigLoader.Load(cmd, new List<string>()), sp.GetRequiredService<ILogger<ConfigReloadHandler>>()));
builder.Services.AddRelaySignals(options.ShutdownWaitLength);
builder.Services.AddHostedService<StandInRelay>();
using var host = builder.Build();

var reload = (ConfigReloadHandler)host.Services.GetRequiredService<IReloadHandler>();
reload.Reloaded += o => Console.WriteLine($"probe: reloaded {o.Nickname}");
host.Services.GetRequiredService<RelaySignalHandler>().GracefulShutdownStarted +=
    wait => Console.WriteLine($"probe: graceful shutdown in {wait.TotalSeconds} s");

if (!PidFile.TryCreate(pidPath, out var pidFile, out var error))
{
    Console.Error.WriteLine($"[err] Unable to write PIDFile \"{pidPath}\": {error}");
    return 1;
}
using (pidFile)
{
    await host.RunAsync();
}
Console.WriteLine("probe: exited");
return Environment.ExitCode;

/// <summary>Reports an ORPort as listening once started, like the relay role after opening its listeners.</summary>
internal sealed class StandInRelay(ServiceReadiness readiness) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        readiness.ReportListening([new IPEndPoint(IPAddress.Loopback, 9001)]);
        Console.WriteLine("probe: listening");
        await Task.Delay(Timeout.Infinite, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
    }
}
