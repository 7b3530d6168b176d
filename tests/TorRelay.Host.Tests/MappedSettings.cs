using TorRelay.Host.Config;

namespace TorRelay.Host.Tests;

/// <summary>A loopback test relay's torrc plus the lines under test, mapped to the settings the relay runs with.</summary>
internal static class MappedSettings
{
    private const string Base = """
        TestingTorNetwork 1
        DirAuthority auth0 orport=5000 no-v2 v3ident=0000000000000000000000000000000000000000 127.0.0.1:5001 0000000000000000000000000000000000000000
        Nickname test
        DataDirectory /tmp/torrelay-settings-mapping-test
        ORPort 127.0.0.1:9001
        Address 127.0.0.1

        """;

    public static Relay.RelaySettings Of(string lines) =>
        RelaySettingsMapper.Map(ConfigLoader.LoadFromString(Base + lines), new List<string>());
}
