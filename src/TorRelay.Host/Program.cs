using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TorRelay.Host;
using TorRelay.Host.CommandLine;
using TorRelay.Host.Config;
using TorRelay.Host.Logging;
using TorRelay.Relay;
using TorRelay.Relay.Keys;

// torrelay: tor's command line (-f FILE, --verify-config, --list-fingerprint, --version, --help, --Option value).
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
builder.Services.AddHostedService<RelayHostedService>();
builder.Services.Configure<HostOptions>(h => h.ShutdownTimeout = options.ShutdownWaitLength);
using var host = builder.Build();
var log = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("TorRelay");
foreach (var w in warnings) log.LogWarning("{Warning}", w);
log.LogInformation("{Platform} starting as relay {Nickname}", RelayIdentityInfo.Platform, settings.Nickname);
await host.RunAsync();
return Environment.ExitCode;
