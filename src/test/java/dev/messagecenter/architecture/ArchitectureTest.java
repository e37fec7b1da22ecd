package dev.messagecenter.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

/** The module rules of DESIGN.md and STYLE.md, each shown to fail on a class that breaks it. */
class ArchitectureTest {

    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.messagecenter");

    private static final String BASE = "dev.messagecenter";
    private static final String VIOLATIONS = "dev.messagecenter.architecture.violations";

    private static final JavaClasses TESTS = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.ONLY_INCLUDE_TESTS)
            .withImportOption(location -> !location.contains("/architecture/violations/"))
            .importPackages("dev.messagecenter");

    static ArchRule platformHasNoBusinessRules(String base) {
        return noClasses()
                .that()
                .resideInAPackage(base + ".platform..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        base + ".recipient..",
                        base + ".message..",
                        base + ".coordinator..",
                        base + ".delivery..",
                        base + ".inbox..",
                        base + ".stats..",
                        base + ".trace..",
                        base + ".console..");
    }

    static ArchRule domainDoesNotKnowItsAdapters(String base) {
        return noClasses()
                .that()
                .resideOutsideOfPackages("..web..", "..jdbc..", "..postgres..", "..rabbit..", "..kafka..", "..redis..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        base + ".*.web..",
                        base + ".*.jdbc..",
                        base + ".*.postgres..",
                        base + ".*.rabbit..",
                        base + ".*.kafka..",
                        base + ".*.redis..");
    }

    static final ArchRule NO_VAGUE_NAMES = noClasses()
            .should()
            .haveSimpleNameEndingWith("Impl")
            .orShould()
            .haveSimpleNameEndingWith("Manager")
            .orShould()
            .haveSimpleNameEndingWith("Helper")
            .orShould()
            .haveSimpleNameEndingWith("Utils")
            .orShould()
            .haveSimpleNameStartingWith("Default")
            .orShould()
            .resideInAPackage("..utils..");

    static final ArchRule TESTS_DO_NOT_SLEEP = noClasses()
            .should()
            .callMethod(Thread.class, "sleep", long.class)
            .orShould()
            .callMethod(Thread.class, "sleep", long.class, int.class)
            .because("waits use Awaitility, never a fixed sleep");

    static final ArchRule ADAPTERS_ARE_NAMED_FOR_THEIR_TECHNOLOGY = classes()
            .that()
            .resideInAPackage("..jdbc..")
            .and()
            .areTopLevelClasses()
            .should()
            .haveSimpleNameStartingWith("Jdbc");

    @Test
    void platformHasNoBusinessRules() {
        platformHasNoBusinessRules(BASE).check(MAIN);
    }

    @Test
    void domainDoesNotKnowItsAdapters() {
        domainDoesNotKnowItsAdapters(BASE).check(MAIN);
    }

    @Test
    void namesSayWhatAClassDoes() {
        NO_VAGUE_NAMES.check(MAIN);
        NO_VAGUE_NAMES.check(TESTS);
    }

    @Test
    void adaptersAreNamedForTheirTechnology() {
        ADAPTERS_ARE_NAMED_FOR_THEIR_TECHNOLOGY.check(MAIN);
    }

    @Test
    void testsDoNotSleep() {
        TESTS_DO_NOT_SLEEP.check(TESTS);
    }

    @Test
    void everyRuleFailsWhenBroken() {
        JavaClasses violations = new ClassFileImporter().importPackages(VIOLATIONS);
        assertThat(platformHasNoBusinessRules(VIOLATIONS).evaluate(violations).hasViolation())
                .isTrue();
        assertThat(domainDoesNotKnowItsAdapters(VIOLATIONS).evaluate(violations).hasViolation())
                .isTrue();
        assertThat(NO_VAGUE_NAMES.evaluate(violations).hasViolation()).isTrue();
        assertThat(ADAPTERS_ARE_NAMED_FOR_THEIR_TECHNOLOGY.evaluate(violations).hasViolation())
                .isTrue();
        assertThat(TESTS_DO_NOT_SLEEP.evaluate(violations).hasViolation()).isTrue();
    }
}
