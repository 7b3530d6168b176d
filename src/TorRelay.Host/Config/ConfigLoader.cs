using TorRelay.Host.CommandLine;
using TorRelay.Host.Logging;

namespace TorRelay.Host.Config;

/// <summary>
/// Loads the configuration as tor does: built-in defaults, then the defaults torrc, then the torrc (with its
/// %includes), then the command line; then validates the whole set into <see cref="RelayOptions"/>.
/// </summary>
public static class ConfigLoader
{
    /// <summary>Used when no <c>-f</c> is given; a missing default file means "all defaults", as tor.</summary>
    public const string DefaultTorrcPath = "/etc/torrelay/torrc";

    /// <summary>Loads and validates; <paramref name="warnings"/> receives what tor would log as warnings.</summary>
    /// <exception cref="ConfigException">Any unreadable file, unknown option or invalid value, naming file and line.</exception>
    public static RelayOptions Load(CommandLineOptions commandLine, ICollection<string>? warnings = null)
    {
        var domains = new List<(IReadOnlyList<ConfigLine>, bool)>();
        if (commandLine.DefaultsTorrcPath is { } defaults)
        {
            if (!File.Exists(defaults))
                throw new ConfigException($"Unable to open configuration file \"{defaults}\".");
            domains.Add((TorrcParser.ParseFile(defaults), false));
        }

        string torrc = commandLine.TorrcPath ?? DefaultTorrcPath;
        if (File.Exists(torrc))
        {
            domains.Add((TorrcParser.ParseFile(torrc), false));
        }
        else if (commandLine.TorrcPath is not null && !commandLine.AllowMissingTorrc)
        {
            throw new ConfigException($"Unable to open configuration file \"{torrc}\".");
        }
        else
        {
            warnings?.Add($"Configuration file \"{torrc}\" not present, using reasonable defaults.");
        }
        domains.Add((commandLine.Overrides, true));

        return Build(domains, torrc, commandLine.Quiet, warnings);
    }

    /// <summary>Loads torrc text (e.g. in tests), with optional command-line overrides.</summary>
    public static RelayOptions LoadFromString(string torrc, string sourceName = "torrc",
        IReadOnlyList<ConfigLine>? overrides = null, ICollection<string>? warnings = null)
    {
        var domains = new List<(IReadOnlyList<ConfigLine>, bool)>
        {
            (TorrcParser.ParseString(torrc, sourceName), false),
            (overrides ?? [], true),
        };
        return Build(domains, sourceName, QuietLevel.None, warnings);
    }

    /// <summary>The logs to use before (or without) Log lines, by quiet level (add_default_log_for_quiet_level).</summary>
    public static IReadOnlyList<LogSinkConfig> DefaultLogs(QuietLevel quiet) => quiet switch
    {
        QuietLevel.Silent => [],
        QuietLevel.Hush => [new LogSinkConfig(LogDestination.Stdout, null,
            [new LogSeverityRange(TorLogSeverity.Warn, TorLogSeverity.Err, null)], "warn stdout")],
        _ => [LogSinkConfig.Default],
    };

    private static RelayOptions Build(List<(IReadOnlyList<ConfigLine>, bool)> domains, string torrc, QuietLevel quiet,
        ICollection<string>? warnings)
    {
        OptionValues values = OptionValues.Assign(domains);
        return RelayOptionsBuilder.Build(values, torrc, DefaultLogs(quiet), warnings);
    }
}
