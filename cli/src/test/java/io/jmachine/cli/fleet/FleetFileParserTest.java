package io.jmachine.cli.fleet;

import io.jmachine.drivers.DriverRegistry;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FleetFileParserTest {

    private final FleetFileParser parser = new FleetFileParser(DriverRegistry.builtIn());

    private String refused(String yaml) {
        return assertThrows(FleetFileException.class, () -> parser.parse("f.yaml", yaml)).getMessage();
    }

    @Test
    void aCountMakesNumberedMachinesWithTypedOptions() {
        FleetFile file = parser.parse("f.yaml", """
                name: lab
                machines:
                  web:
                    driver: kvm
                    count: 2
                    options:
                      kvm-memory: 1024
                      kvm-accel: "tcg"
                      engine-label: [role=web]
                  ext:
                    driver: none
                    options: {url: "tcp://127.0.0.1:2376"}
                """);
        assertEquals("lab", file.name());
        assertEquals(List.of("lab-web-1", "lab-web-2", "lab-ext"), file.machines().stream().map(FleetMachine::name).toList());
        FleetMachine web = file.machines().get(0);
        assertEquals(1024, web.options().get("kvm-memory"));
        assertEquals(List.of("role=web"), web.strings("engine-label"));
        assertEquals(1024, web.driverFlags().get("--kvm-memory"));
        assertTrue(!web.driverFlags().containsKey("--engine-label"), "engine options are not the driver's flags");
        assertEquals("jmachine.fleet=lab", file.label());
    }

    @Test
    void aSingleValueForARepeatableFlagIsAListOfOne() {
        FleetFile file = parser.parse("f.yaml", "name: a\nmachines:\n  x:\n    driver: none\n    options:\n      url: tcp://h:1\n      engine-label: k=v\n");
        assertEquals(List.of("k=v"), file.machines().get(0).strings("engine-label"));
    }

    @Test
    void aLineOfOnlyTabsAndSpacesIsABlankLineAsInYaml12() {
        // what a template line filled from an empty shell variable leaves: `printf '' | paste - -` prints one tab
        FleetFile file = parser.parse("f.yaml", "name: a\nmachines:\n  x:\n    driver: none\n    options:\n      url: tcp://h:1\n\t\n \t \n      engine-label: [k=v]\n");
        assertEquals(List.of("k=v"), file.machines().get(0).strings("engine-label"));
    }

    @Test
    void aTabThatIndentsContentIsStillRefusedWithItsLine() {
        String message = refused("name: a\nmachines:\n\tx:\n    driver: none\n");
        assertTrue(message.contains("line 3"), message);
    }

    @Test
    void brokenYamlIsRefusedWithItsLineAndColumn() {
        String message = refused("name: bad\nmachines: [\n");
        assertTrue(message.matches("(?s)f\\.yaml:\\d+:\\d+: not valid YAML \\(line \\d+, column \\d+\\).*"), message);
    }

    @Test
    void anUnknownDriverIsNamedWithTheClosestKnownOne() {
        String message = refused("name: bad\nmachines:\n  x:\n    driver: kmv\n");
        assertTrue(message.contains("unknown driver \"kmv\"; did you mean kvm?"), message);
        String unknown = refused("name: bad\nmachines:\n  x:\n    driver: nosuch\n");
        // the cloud drivers are known too where their module is on the class path
        assertTrue(unknown.matches("(?s).*known: .*generic, .*kvm, none.*"), unknown);
    }

    @Test
    void aMisspeltOptionIsNamedWithTheClosestKnownOne() {
        String message = refused("name: bad\nmachines:\n  x:\n    driver: kvm\n    options:\n      kvm-memroy: 512\n");
        assertTrue(message.contains("unknown option kvm-memroy for the kvm driver; did you mean kvm-memory?"), message);
    }

    @Test
    void anotherDriversOptionIsUnknown() {
        String message = refused("name: bad\nmachines:\n  x:\n    driver: none\n    options:\n      kvm-memory: 512\n");
        assertTrue(message.contains("unknown option kvm-memory for the none driver"), message);
    }

    @Test
    void aMisspeltKeyIsNamed() {
        assertTrue(refused("name: a\nmachines:\n  x:\n    drivr: none\n").contains("unknown key machines.x.drivr; did you mean driver?"));
        assertTrue(refused("nmae: a\nmachines:\n  x:\n    driver: none\n").contains("unknown key nmae; did you mean name?"));
    }

    @Test
    void optionsOfTheWrongTypeAreRefused() {
        assertTrue(refused("name: a\nmachines:\n  x:\n    driver: kvm\n    options:\n      kvm-memory: lots\n")
                .contains("kvm-memory must be a whole number"));
        assertTrue(refused("name: a\nmachines:\n  x:\n    driver: none\n    options:\n      engine-opt: [novalue]\n")
                .contains("--engine-opt takes KEY=VALUE"));
    }

    @Test
    void anInvalidMachineNameIsRefused() {
        assertTrue(refused("name: a\nmachines:\n  \"x_y\":\n    driver: none\n").contains("invalid machine name \"a-x_y\""));
        assertTrue(refused("name: -a\nmachines:\n  x:\n    driver: none\n").contains("invalid machine name"));
        assertTrue(refused("name: a\nmachines:\n  x:\n    driver: none\n    count: 0\n").contains("count must be a whole number from 1"));
    }

    @Test
    void theSameMachineFromTwoKeysIsRefused() {
        String message = refused("name: a\nmachines:\n  web:\n    driver: none\n    count: 2\n  web-2:\n    driver: none\n");
        assertTrue(message.contains("machines.web and machines.web-2 both make the machine a-web-2"), message);
    }

    @Test
    void aKeyGivenTwiceIsRefused() {
        String message = refused("name: a\nmachines:\n  x:\n    driver: none\n  x:\n    driver: kvm\n");
        assertTrue(message.contains("not valid YAML") && message.contains("x"), message);
    }

    @Test
    void theFleetLabelIsTheFleetsOwn() {
        assertTrue(refused("name: a\nmachines:\n  x:\n    driver: none\n    options:\n      engine-label: [jmachine.fleet=b]\n")
                .contains("jmachine.fleet is set by the fleet itself"));
    }

    @Test
    void aFileWithoutMachinesIsRefused() {
        assertTrue(refused("name: a\n").contains("machines: is missing"));
        assertTrue(refused("").contains("a fleet file is a mapping"));
    }
}
