using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TorRelay.Host;
using TorRelay.Host.CommandLine;
using TorRelay.Host.Config;
using TorRelay.Host.Logging;
using TorRelay.Host.Signals;
using TorRelay.Host.Systemd;
using TorRelay.Metrics;
using TorRelay.Relay;
using TorRelay.Relay.Keys;

// torrelay: tor's command line (-f FILE, --verify-config, --list-fingerprint, --version, --help, --Option value).
SocketEventThreads.UseInlineCompletions();
CommandLineOptions cmd;
RelayOptions options;
var warnings = new List<string>();
try
{
    cmd = CommandLineOptions.Parse(args);
    switch (cmd.Command)
    {
        case RelayCommand.Help:
            Console.WriteLine(CommandLineOptions.Usage);
            return 0;
        case RelayCommand.Version:
            Console.WriteLine($"{RelayIdentityInfo.Platform}.");
            return 0;
        case RelayCommand.ListTorrcOptions:
            foreach (var name in OptionTable.Options.Values.Select(d => d.Name).Order(StringComparer.Ordinal)) Console.WriteLine(name);
            return 0;
    }
    options = ConfigLoader.Load(cmd, warnings);
}
catch (ConfigException e)
{
    Console.Error.WriteLine($"[err] {e.Message}");
    Console.Error.WriteLine("[err] Reading config failed--see warnings above.");
    return 1;
}

foreach (var w in warnings) Console.Error.WriteLine($"[warn] {w}");

RelaySettings settings;
try
{
    settings = RelaySettingsMapper.Map(options, warnings);
}
catch (ConfigException e)
{
    Console.Error.WriteLine($"[err] {e.Message}");
    return 1;
}

switch (cmd.Command)
{
    case RelayCommand.VerifyConfig:
        Console.WriteLine("Configuration was valid");
        return 0;
    case RelayCommand.ListFingerprint:
    {
        var store = new RelayKeyStore(settings.DataDirectory, TimeProvider.System, NullLogger.Instance);
        var keys = store.LoadOrCreate();
        Console.WriteLine($"{settings.Nickname} {RelayIdentityInfo.FormatFingerprint(keys.Identity.PublicKey.Fingerprint)}");
        return 0;
    }
}

var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
builder.Logging.AddTorLogging(options);
builder.Services.AddSingleton(settings);
builder.Services.AddSystemdNotify();
builder.Services.AddSingleton<IReloadHandler>(sp => new ConfigReloadHandler(() =>
{
    // SIGHUP: re-read and validate the configuration; a bad file fails the reload (the relay keeps running under systemd).
    var reloadWarnings = new List<string>();
    var reloaded = ConfigLoader.Load(cmd, reloadWarnings);
    RelaySettingsMapper.Map(reloaded, reloadWarnings);
    return reloaded;
}, sp.GetRequiredService<ILogger<ConfigReloadHandler>>()));
builder.Services.AddRelaySignals(options.ShutdownWaitLength);
// Measurements made before the exporter exists are lost: create it before the relay starts.
var exporter = new PrometheusExporter("TorRelay");
builder.Services.AddSingleton(exporter);
if (options.MetricsPort is { } metricsEndpoint)
    builder.Services.AddHostedService(sp => new MetricsPortHostedService(new MetricsPortServer(metricsEndpoint, options.MetricsPortPolicy,
        exporter, sp.GetRequiredService<ILoggerFactory>().CreateLogger("TorRelay.Metrics"))));
builder.Services.AddHostedService<RelayHostedService>();
builder.Services.Configure<HostOptions>(h => h.ShutdownTimeout = options.ShutdownWaitLength);
using var host = builder.Build();
var log = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("TorRelay");
foreach (var w in warnings) log.LogWarning("{Warning}", w);
log.LogInformation("{Platform} starting as relay {Nickname}", RelayIdentityInfo.Platform, settings.Nickname);
PidFile? pidFile = null;
if (options.PidFile is not null && !PidFile.TryCreate(options.PidFile, out pidFile, out var pidError))
{
    log.LogError("Unable to write PIDFile \"{PidFile}\": {Reason}", options.PidFile, pidError);
    return 1;
}
using (pidFile)
{
    await host.RunAsync();
}
return Environment.ExitCode;
