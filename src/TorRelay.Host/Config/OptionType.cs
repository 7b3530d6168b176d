namespace TorRelay.Host.Config;

/// <summary>tor's config_type_t for the options we know (lib/confmgt/type_defs.c).</summary>
public enum OptionType
{
    String,
    Filename,
    /// <summary>0 or 1 only.</summary>
    Bool,
    /// <summary>0, 1 or auto.</summary>
    AutoBool,
    /// <summary>0 .. INT_MAX.</summary>
    PosInt,
    MemUnit,
    Interval,
    MsecInterval,
    /// <summary>Comma-separated list, a single value (last line wins).</summary>
    Csv,
    /// <summary>May repeat; every line is kept.</summary>
    LineList,
    /// <summary>A <c>FooPort</c> line list (<c>[addr:]port|auto [flags]</c>).</summary>
    Port,
}
